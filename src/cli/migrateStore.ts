#!/usr/bin/env node
/**
 * migrate-store: copies this bridge's NeDB store into PostgreSQL, or imports matrix-appservice-irc's
 * data (its NeDB data directory or PostgreSQL database) into this bridge's store. See MIGRATE_USAGE
 * and README "Migrating".
 *
 * Guarantees: everything given is checked (the config, --map-server's networks, the source, the
 * target database being reachable) before anything is written, and a problem is one line naming
 * what, with a non-zero exit; a dry run writes nothing (it opens no store, and only reads the
 * source); a run interrupted at any point can be run again: it continues where the last recorded
 * position was and duplicates nothing (migrationProgress.ts). The sources are only read.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { NetworkIds } from "../matrix/networkIds";
import { loadConfigFile } from "../config/load";
import type { BridgeConfig } from "../config/schema";
import { ConfigError } from "../config/validate";
import { errorText } from "../errors";
import { checkPostgres, describeTarget, openMigrationTarget, type MigrationTarget, type TargetSpec } from "../store/migrationTarget";
import { readIncumbentNedb, type IncumbentSource } from "./migrate/incumbentEntries";
import type { TargetNetwork } from "./migrate/incumbentMapping";
import { readIncumbentPg } from "./migrate/incumbentPg";
import { isPostgresUrl, MIGRATE_USAGE, redactUrls, MigrateUsageError, parseMigrateArgs, type MigrateArgs } from "./migrate/migrateArgs";
import { ProgressBar, type ProgressOut } from "./migrate/progressBar";
import { formatCopyReport, runCopy } from "./migrate/runCopy";
import { formatImportReport, mappingsToAdd, runImport } from "./migrate/runImport";
import { foldCase } from "../irc/casemapping";
import { readStoreFiles } from "./migrate/storeCopy";

/** The host of an additionalAddresses entry ("host", "host:port", "[v6]:port"). */
function hostOf(address: string): string {
  if (address.startsWith("[")) return address.slice(1, Math.max(1, address.indexOf("]")));
  const parts = address.split(":");
  return parts.length === 2 ? (parts[0] ?? address) : address;
}

/** Our networks as the mapping sees them; --map-server naming a network the config lacks is refused. */
export function targetNetworks(config: BridgeConfig, mapServer: ReadonlyMap<string, string>): TargetNetwork[] {
  for (const [server, id] of mapServer) {
    if (!config.ircNetworks.some((n) => n.id === id)) {
      throw new MigrateUsageError(`--map-server ${server}=${id}: the config has no network ${id} (its networks: ${config.ircNetworks.map((n) => n.id).join(", ")})`);
    }
  }
  return config.ircNetworks.map((n) => {
    const ids = new NetworkIds(n, config.homeserver.domain);
    const mapped = [...mapServer].filter(([, id]) => id === n.id).map(([server]) => server);
    return {
      id: n.id,
      servers: [n.address, ...n.additionalAddresses.map(hostOf), ...mapped],
      nickTemplate: n.nickTemplate,
      userTemplate: n.userTemplate,
      ghostUserId: (nick: string) => ids.ghostUserId(nick),
    };
  });
}

/** The same file or directory (through symlinks and hard links); false when either is missing. */
function sameEntry(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * A NeDB target that is (or holds the files of) matrix-appservice-irc's data directory is refused
 * before anything is opened: NeDB would load and rewrite the incumbent's rooms.db as this bridge's.
 * users.db is the incumbent's name (this bridge's store has none).
 */
export function refuseIncumbentTarget(spec: TargetSpec, incumbent: string | undefined): void {
  if (spec.kind !== "nedb") return;
  const dir = resolve(spec.dir);
  const shared =
    (incumbent !== undefined && !isPostgresUrl(incumbent) && (resolve(incumbent) === dir || sameEntry(incumbent, dir) || ["rooms.db", "users.db"].some((f) => sameEntry(join(incumbent, f), join(dir, f))))) ||
    existsSync(join(dir, "users.db"));
  if (shared) throw new MigrateUsageError(`the target ${spec.dir} is matrix-appservice-irc's data directory (it holds its rooms.db or users.db): give this bridge's store its own directory (--to or datastore.path)`);
}

function targetOf(args: MigrateArgs, config: BridgeConfig): TargetSpec {
  const { datastore } = config;
  if (args.incumbent === undefined) {
    const url = args.to ?? datastore.connectionString;
    if (url === undefined) throw new MigrateUsageError("the copy needs a PostgreSQL database: give --to postgresql://... or set datastore.connectionString");
    if (!isPostgresUrl(url)) throw new MigrateUsageError(`--to must be a postgresql:// URL for the copy of the NeDB store, got ${redactUrls(url)}`);
    return { kind: "postgres", url };
  }
  if (args.to !== undefined) return isPostgresUrl(args.to) ? { kind: "postgres", url: args.to } : { kind: "nedb", dir: args.to };
  if (datastore.engine === "postgres" && datastore.connectionString !== undefined) return { kind: "postgres", url: datastore.connectionString };
  if (datastore.path === undefined) throw new MigrateUsageError("the config's datastore.path is unset (a store in memory): give --to <dir | postgresql://...>");
  return { kind: "nedb", dir: datastore.path };
}

export interface MigrateIo {
  readonly out: (text: string) => void;
  readonly progress: ProgressOut;
}

/** Runs migrate-store with these arguments; resolves when done, rejects with the first problem. */
export async function migrateStore(argv: readonly string[], io: MigrateIo, now: () => number = Date.now): Promise<void> {
  const args = parseMigrateArgs(argv);
  if (args.help) {
    io.out(MIGRATE_USAGE);
    return;
  }
  const config = loadConfigFile(args.config);
  const spec = targetOf(args, config);
  refuseIncumbentTarget(spec, args.incumbent);
  const bar = new ProgressBar(io.progress);
  let source: IncumbentSource | undefined;
  let networks: TargetNetwork[] = [];
  let storeDir: string | undefined;
  if (args.incumbent !== undefined) {
    networks = targetNetworks(config, args.mapServer);
    source = isPostgresUrl(args.incumbent) ? await readIncumbentPg(args.incumbent) : readIncumbentNedb(args.incumbent);
  } else {
    storeDir = config.datastore.path;
    if (storeDir === undefined) throw new MigrateUsageError("the config's datastore.path is unset: there is no NeDB store to copy");
  }
  const copySources = storeDir === undefined ? [] : readStoreFiles(storeDir);
  if (spec.kind === "postgres") await checkPostgres(spec.url);
  const start = now();
  let target: MigrationTarget | undefined;
  try {
    if (!args.dryRun) target = await openMigrationTarget(spec);
    if (source !== undefined) {
      const report = await runImport({ source, networks, options: { adminRooms: args.adminRooms, now: now() }, target, batch: args.batch, bar });
      io.out(formatImportReport(report, args.dryRun));
      const hint = mappingsToAdd(report.mapped, (network, channel, roomId) => {
        const mappings = config.ircNetworks.find((n) => n.id === network)?.mappings ?? {};
        return Object.entries(mappings).some(([c, m]) => foldCase(c, "rfc1459") === foldCase(channel, "rfc1459") && m.roomIds.includes(roomId));
      });
      if (hint !== undefined) io.out(hint);
    } else {
      const report = await runCopy(copySources, target, args.batch, bar);
      io.out(formatCopyReport(report, `NeDB files in ${storeDir ?? ""}`, describeTarget(spec), args.dryRun));
    }
    if (!args.dryRun) io.out(`Into ${describeTarget(spec)} in ${((now() - start) / 1000).toFixed(1)} s.`);
  } finally {
    await target?.close();
  }
}

if (require.main === module) {
  migrateStore(process.argv.slice(2), { out: (text) => process.stdout.write(`${text}\n`), progress: process.stderr }).catch((err: unknown) => {
    const text = err instanceof ConfigError ? `invalid config in ${err.source}: ${err.problems.map((p) => `${p.path} ${p.message}`).join("; ")}` : errorText(err);
    process.stderr.write(`error: ${redactUrls(text.split("\n")[0] ?? "")}\n`);
    if (err instanceof MigrateUsageError) process.stderr.write(`\n${MIGRATE_USAGE}\n`);
    process.exit(err instanceof MigrateUsageError ? 2 : err instanceof ConfigError ? 3 : 1);
  });
}
