import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError, parseArgs } from "../../src/cli/args";

describe("command line", () => {
  it("generates a registration with -r -u -f -c", () => {
    assert.deepEqual(parseArgs(["-r", "-u", "http://bridge:9995", "-f", "reg.yaml", "-c", "config.yaml"]), {
      kind: "register",
      url: "http://bridge:9995",
      registrationPath: "reg.yaml",
      configPath: "config.yaml",
    });
  });

  it("runs with -c -f -p, long forms too", () => {
    assert.deepEqual(parseArgs(["--config", "c.yaml", "--file", "r.yaml", "--port", "9000"]), {
      kind: "run",
      configPath: "c.yaml",
      registrationPath: "r.yaml",
      port: 9000,
    });
    assert.deepEqual(parseArgs(["-c", "c.yaml"]), { kind: "run", configPath: "c.yaml", registrationPath: "registration.yaml", port: undefined });
  });

  it("prints help", () => {
    assert.deepEqual(parseArgs(["-h"]), { kind: "help" });
  });

  const bad: [string[], RegExp][] = [
    [["-r", "-c", "c.yaml"], /-u <url> is required/],
    [["-r", "-u", "bridge:9995", "-c", "c"], /http/],
    [["-f", "r.yaml"], /-c <config.yaml> is required/],
    [["-c", "c.yaml", "-p", "0"], /port number/],
    [["-c", "c.yaml", "-p", "abc"], /port number/],
    [["-c"], /needs a value/],
    [["-c", "c.yaml", "--verbose"], /unknown argument/],
    [["-c", "c.yaml", "-u", "http://x"], /only makes sense with -r/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(" ")}`, () => {
      assert.throws(() => parseArgs(argv), (err: unknown) => err instanceof UsageError && message.test(err.message));
    });
  }
});
