import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { App } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { buildRegistration } from "../../src/matrix/registration";
import { silentLogger } from "../support/silentLogger";

describe("the last line for a rejection nothing handled", () => {
  it("is counted (and logged), without throwing", async () => {
    const config = parseConfig(
      `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`,
      "test.yaml",
    );
    const app = new App({ config, registration: buildRegistration(config, "http://localhost:9995"), logger: silentLogger() });
    const count = async () => (await app.metrics.unhandledRejections.get()).values[0]?.value ?? 0;
    assert.equal(await count(), 0);
    app.unhandledRejection(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" }));
    app.unhandledRejection("not even an Error");
    assert.equal(await count(), 2);
  });
});
