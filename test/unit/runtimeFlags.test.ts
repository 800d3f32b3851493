import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { NODE_FLAGS } from "../../src/runtimeFlags";
import { BridgeProcess } from "../e2e/support/bridgeProcess";

const root = join(__dirname, "..", "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const flags = NODE_FLAGS.join(" ");

describe("the bridge's Node flags are the same wherever it is started", () => {
  it("has flags to hold the places to", () => {
    assert.ok(NODE_FLAGS.length > 0);
    assert.ok(NODE_FLAGS.every((f) => f.startsWith("--")));
  });

  it("package.json's start and connector scripts", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.start, `node ${flags} dist/src/main.js`);
    assert.equal(scripts.connector, `node ${flags} dist/src/pool/main.js`);
  });

  it("the Dockerfile's ENTRYPOINT", () => {
    const entry = /^ENTRYPOINT (.*)$/m.exec(read("Dockerfile"))?.[1];
    assert.deepEqual(JSON.parse(entry ?? "null"), ["node", ...NODE_FLAGS, "dist/src/main.js"]);
  });

  it("the entries' first lines (the bin entry, ./dist/src/main.js run as a program)", () => {
    for (const entry of ["src/main.ts", "src/pool/main.ts"]) assert.equal(read(entry).split("\n")[0], `#!/usr/bin/env -S node ${flags}`, entry);
  });

  it("the test harness: every bridge the tests and benches start runs with them, before BRIDGE_NODE_FLAGS and its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "runtime-flags-"));
    try {
      const script = join(dir, "argv.js");
      writeFileSync(script, "process.stdout.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n');\n");
      const child = new BridgeProcess([], script, { nodeFlags: ["--stack-size=900"] });
      const line = await child.waitForLine(/^execArgv /, 10000);
      await child.exitCode();
      const execArgv = JSON.parse(line.slice("execArgv ".length)) as string[];
      const env = (process.env.BRIDGE_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "");
      assert.deepEqual(execArgv, [...NODE_FLAGS, ...env, "--stack-size=900"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
