/**
 * Where migrate-store writes: this bridge's store, in NeDB files or in PostgreSQL, opened as the
 * bridge opens it (the same collections, unique indexes and lock keys), plus a collection of its
 * own, `migration`, that records how far each source got (migrationProgress.ts).
 */
import { Client, Pool } from "pg";
import type { DocCollection } from "./docCollection";
import { MigrationProgress, type ProgressDoc } from "./migrationProgress";
import { NedbCollection } from "./nedbCollection";
import { buildStore, type CollectionName } from "./nedbStore";
import { pgOpener } from "./pgStore";
import type { Store } from "./store";
import { ignoreWrites } from "./writeWatch";

export type TargetSpec = { readonly kind: "nedb"; readonly dir: string } | { readonly kind: "postgres"; readonly url: string };

export interface MigrationTarget {
  readonly store: Store;
  /** The store's collections as documents: the same instances the store's records go through. */
  readonly collections: ReadonlyMap<CollectionName, DocCollection<object>>;
  readonly progress: MigrationProgress;
  close(): Promise<void>;
}

/** A PostgreSQL URL as it may be shown: host, port and database, never the user's password. */
export function describePg(url: string): string {
  try {
    const u = new URL(url);
    return `postgresql://${u.hostname}${u.port === "" ? "" : `:${u.port}`}${u.pathname}`;
  } catch {
    return "the PostgreSQL URL given (not a valid URL)";
  }
}

export function describeTarget(spec: TargetSpec): string {
  return spec.kind === "nedb" ? `NeDB files in ${spec.dir}` : `PostgreSQL ${describePg(spec.url)}`;
}

/** Connects once and disconnects: an unreachable database is told before anything is written. */
export async function checkPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    const code = typeof err === "object" && err !== null && "code" in err ? String((err).code) : "";
    const text = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot reach the PostgreSQL database ${describePg(url)}: ${code !== "" && !text.includes(code) ? `${code} ` : ""}${text}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openMigrationTarget(spec: TargetSpec): Promise<MigrationTarget> {
  const collections = new Map<CollectionName, DocCollection<object>>();
  let pool: Pool | undefined;
  let opener: <T extends object>(name: string, unique?: string) => Promise<DocCollection<T>>;
  if (spec.kind === "postgres") {
    const pg = new Pool({ connectionString: spec.url, max: 8 });
    pool = pg;
    pg.on("error", () => undefined);
    opener = pgOpener(pg);
  } else {
    opener = async <T extends object>(name: string, unique?: string) => {
      const docs = await NedbCollection.open<T>(spec.dir, name);
      if (unique !== undefined) await docs.index(unique, true);
      return docs;
    };
  }
  const open = async <T extends object>(name: CollectionName, unique?: string): Promise<DocCollection<T>> => {
    const docs = await opener<T>(name, unique);
    collections.set(name, docs);
    return docs;
  };
  // The migration's own progress, outside the store's collections (closed with it).
  const progressDocs = await opener<ProgressDoc>("migration", "key");
  const store = await buildStore(open, {
    journalDir: undefined,
    onDisk: spec.kind === "nedb",
    reports: ignoreWrites,
    options: {},
    close: async () => {
      await progressDocs.close();
      await pool?.end();
    },
  });
  const progress = new MigrationProgress(progressDocs);
  return { store, collections, progress, close: () => store.close() };
}
