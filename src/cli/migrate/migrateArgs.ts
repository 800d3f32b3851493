/** migrate-store's command line. */
export const MIGRATE_USAGE = `Usage:
  migrate-store -c <config.yaml> [--to postgresql://...] [--dry-run]
      Copy this bridge's NeDB store (datastore.path) into PostgreSQL (--to, else
      datastore.connectionString). Stop the bridge first.
  migrate-store -c <config.yaml> --from-appservice-irc <data dir | postgresql://...> [--to <dir | postgresql://...>]
                [--map-server <server>=<network id>]... [--no-admin-rooms] [--dry-run]
      Import matrix-appservice-irc's rooms, mappings, user nicks and usernames, admin rooms and
      private-message rooms (from its NeDB data directory: rooms.db, users.db; or its PostgreSQL
      database) into this bridge's store (--to, else the config's datastore). What cannot be imported
      is listed with counts.
Options:
  --dry-run        report what would be done; write nothing
  --batch <n>      entries per recorded position (default 100): an interrupted run resumes there
  -h, --help       show this help`;

export class MigrateUsageError extends Error {}

export interface MigrateArgs {
  readonly config: string;
  readonly to: string | undefined;
  readonly incumbent: string | undefined;
  readonly mapServer: ReadonlyMap<string, string>;
  readonly adminRooms: boolean;
  readonly dryRun: boolean;
  readonly batch: number;
  readonly help: boolean;
}

export function parseMigrateArgs(argv: readonly string[]): MigrateArgs {
  let config: string | undefined;
  let to: string | undefined;
  let incumbent: string | undefined;
  const mapServer = new Map<string, string>();
  let adminRooms = true;
  let dryRun = false;
  let batch = 100;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new MigrateUsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "-c":
      case "--config":
        config = value();
        break;
      case "--to":
        to = value();
        break;
      case "--from-appservice-irc":
        incumbent = value();
        break;
      case "--map-server": {
        const v = value();
        const eq = v.indexOf("=");
        if (eq <= 0 || eq === v.length - 1) throw new MigrateUsageError(`--map-server takes <server>=<network id>, got ${v}`);
        mapServer.set(v.slice(0, eq), v.slice(eq + 1));
        break;
      }
      case "--no-admin-rooms":
        adminRooms = false;
        break;
      case "--dry-run":
        dryRun = true;
        break;
      case "--batch": {
        const v = value();
        batch = Number(v);
        if (!Number.isInteger(batch) || batch < 1) throw new MigrateUsageError(`--batch takes a whole number of at least 1, got ${v}`);
        break;
      }
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new MigrateUsageError(`unknown argument: ${arg}`);
    }
  }
  for (const [flag, v] of [["--to", to], ["--from-appservice-irc", incumbent]] as const) {
    // A mistyped URL (postgress://u:pw@...) would otherwise be taken as a directory's name.
    if (v !== undefined && v.includes("://") && !isPostgresUrl(v)) throw new MigrateUsageError(`${flag} takes a directory or a postgresql:// URL, got ${redactUrls(v)}`);
  }
  if (help) return { config: config ?? "", to, incumbent, mapServer, adminRooms, dryRun, batch, help };
  if (config === undefined) throw new MigrateUsageError("-c <config.yaml> is required");
  if (incumbent === undefined && (mapServer.size > 0 || !adminRooms)) throw new MigrateUsageError("--map-server and --no-admin-rooms go with --from-appservice-irc");
  return { config, to, incumbent, mapServer, adminRooms, dryRun, batch, help };
}

export const isPostgresUrl = (text: string): boolean => /^postgres(ql)?:\/\//.test(text);

/** Text with the password of every `scheme://user:password@` in it replaced by `***`, to be shown. */
export const redactUrls = (text: string): string => text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi, "$1:***@");
