/** migrate-store's progress: a bar redrawn in place at a terminal, a line every 10% in a log; its arguments. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MigrateUsageError, parseMigrateArgs } from "../../src/cli/migrate/migrateArgs";
import { ProgressBar } from "../../src/cli/migrate/progressBar";

const recorder = (isTTY: boolean) => {
  const written: string[] = [];
  return { out: { isTTY, write: (t: string) => written.push(t) }, written };
};

describe("migrate-store's progress", () => {
  it("in a log: one line per 10% reached, the last at 100%, none at 0%", () => {
    const { out, written } = recorder(false);
    const bar = new ProgressBar(out);
    for (let done = 0; done <= 1000; done += 25) bar.update("rooms", done, 1000);
    assert.deepEqual(written, [10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => `rooms: ${p}% (${p * 10}/1000)\n`).concat(["rooms: 100% (1000/1000)\n"]));
  });

  it("at a terminal: a bar redrawn in place (carriage return), at most every 100 ms at the same percentage, ended by a line break", () => {
    const { out, written } = recorder(true);
    let now = 0;
    const bar = new ProgressBar(out, 10, () => now);
    bar.update("puppets", 1, 200);
    bar.update("puppets", 1, 200);
    now = 150;
    bar.update("puppets", 100, 200);
    bar.update("puppets", 200, 200);
    assert.equal(written.length, 4);
    assert.ok(written.slice(0, 3).every((t) => t.startsWith("\rpuppets")));
    assert.match(written[1] ?? "", /\[#{15}\.{15}\] {2}50% 100\/200/);
    assert.equal(written[3], "\n");
  });
});

describe("migrate-store's arguments", () => {
  it("reads the copy and the import; refuses what does not fit", () => {
    assert.deepEqual(parseMigrateArgs(["-c", "c.yaml", "--to", "postgresql://h/db", "--dry-run"]), {
      config: "c.yaml",
      to: "postgresql://h/db",
      incumbent: undefined,
      mapServer: new Map(),
      adminRooms: true,
      dryRun: true,
      batch: 100,
      help: false,
    });
    const imp = parseMigrateArgs(["-c", "c.yaml", "--from-appservice-irc", "/data", "--map-server", "irc.old.net=libera", "--no-admin-rooms", "--batch", "7"]);
    assert.deepEqual([imp.incumbent, [...imp.mapServer], imp.adminRooms, imp.batch], ["/data", [["irc.old.net", "libera"]], false, 7]);
    for (const [argv, message] of [
      [["--dry-run"], /-c <config.yaml> is required/],
      [["-c", "c.yaml", "--map-server", "x=y"], /go with --from-appservice-irc/],
      [["-c", "c.yaml", "--from-appservice-irc", "/d", "--map-server", "noequals"], /<server>=<network id>/],
      [["-c", "c.yaml", "--batch", "0"], /at least 1/],
      [["-c", "c.yaml", "--frobnicate"], /unknown argument: --frobnicate/],
      [["-c"], /-c needs a value/],
    ] as const) {
      assert.throws(() => parseMigrateArgs(argv), (err: Error) => err instanceof MigrateUsageError && message.test(err.message));
    }
  });
});
