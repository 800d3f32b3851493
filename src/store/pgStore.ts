import { Pool } from "pg";
import type { Store } from "./store";
import { buildStore, type CollectionName, type NedbStoreOptions } from "./nedbStore";
import { PgCollection } from "./pgCollection";
import { ignoreWrites } from "./writeWatch";

/** Advisory lock keys of the collections' upserts (an arbitrary base, one per collection). */
const LOCK_BASE = 0x1bc0_0000;
const NAMES: readonly CollectionName[] = ["transactions", "rooms", "puppets", "marks", "outbox", "adminRooms", "pmRooms", "bans", "roomAccess", "channelKeys", "stsPolicies"];

/**
 * Opens the store's collections (and a migration's own, by a name not among them) in the pool's
 * database, with the same tables, indexes and advisory lock keys as the bridge (migrate-store uses it).
 */
export function pgOpener(pool: Pool): <T extends object>(name: string, unique?: string) => Promise<PgCollection<T>> {
  return <T extends object>(name: string, unique?: string) => {
    const index = NAMES.findIndex((n) => n === name);
    return PgCollection.open<T>(pool, name, LOCK_BASE + (index < 0 ? NAMES.length + 1 : index), unique);
  };
}

/**
 * The store in PostgreSQL (`datastore.postgres`): the same records and rules as the NeDB store
 * (nedbStore.ts `buildStore`), one table per collection (pgCollection.ts), a unique index on each
 * collection's key. The outbox's confirm journal stays a file under `journalDir` (the local disk:
 * datastore.path), or memory without one.
 */
export async function openPgStore(connectionString: string, journalDir: string | undefined, options: NedbStoreOptions = {}): Promise<Store> {
  const pool = new Pool({ connectionString, max: 10 });
  pool.on("error", (err) => options.log?.warn("a PostgreSQL connection failed", { error: err.message }));
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end();
    throw err;
  }
  return buildStore(pgOpener(pool), { journalDir, onDisk: false, reports: options.reports ?? ignoreWrites, options, close: () => pool.end() });
}
