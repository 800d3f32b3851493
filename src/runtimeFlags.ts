/**
 * The Node flags the bridge and the connection process run with. They are written out where the
 * processes are started: package.json's `start` and `connector` scripts, the Dockerfile's
 * ENTRYPOINT, the first line of src/main.ts and src/pool/main.ts (for the `bin` entry), and the test
 * harness and the demo, which use this list; test/unit/runtimeFlags.test.ts fails when one of them
 * differs from it.
 *
 * `--max-semi-space-size=4`: V8's young generation (where new objects are made) at most 8 MB, two
 * 4 MB semi-spaces, instead of Node's 32 MB. V8 grows it with the rate of allocation, not with what
 * is kept: a bridge that has been quiet holds 1 MB of it, and a burst of work (a thousand users
 * joining, a reconnect) grows it to the limit, so with Node's limit 31 MB of RSS came and went with
 * load (measured with `npm run bench`: the RSS slope of 1,000 users joining, 60 to 68 KiB per user
 * with 32 MB, 29 to 40 with 8 MB when measured, the bridge CPU per user the same within the runs' spread;
 * README, "Growth counted from a settled start"). An operator may start node with another value
 * (of a flag given twice, the last counts).
 */
export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4"];
