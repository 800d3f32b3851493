import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FATAL } from "../../src/irc/connection";

describe("server refusals that are never retried", () => {
  const fatal = [
    "You are banned from this server- Banned by the test", // InspIRCd K-line (ERROR)
    "Closing Link: 127.0.0.1 (K-Lined: spamming)",
    "Closing Link: bob[127.0.0.1] (G-lined)",
    "Z-lined: no",
    "Too many connections from your IP", // Ergo
    "No more connections allowed from your host via this connect class (local)", // InspIRCd
    "Closing Link: 127.0.0.1 (Too many host connections (global))", // Solanum/charybdis
    "Throttled: Reconnecting too fast -Email staff@example.org for more information.", // Solanum
    "Closing Link: bob[127.0.0.1] (Throttled: Reconnecting too fast)", // UnrealIRCd
    "You have been banned from this network", // generic
  ];
  const transient = ["Ping timeout: 120 seconds", "Connection reset by peer", "Server shutting down", "Killed (oper (reader killed by the test))", "Excess Flood"];
  for (const reason of fatal) it(`refuses for good: ${reason}`, () => assert.ok(FATAL.test(reason)));
  for (const reason of transient) it(`retries after: ${reason}`, () => assert.ok(!FATAL.test(reason)));
});
