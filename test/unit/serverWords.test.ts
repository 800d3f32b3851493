import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refusalIn } from "../../src/irc/serverWords";

describe("server refusals", () => {
  const banned = [
    "You are banned from this server- Banned by the test", // InspIRCd K-line (ERROR)
    "Closing Link: 127.0.0.1 (K-Lined: spamming)", // InspIRCd, Solanum
    "Closing Link: bob[127.0.0.1] (G-lined)", // UnrealIRCd
    "Z-lined: no",
    "You have been D-lined", // Solanum
    "You are banned from this server (spam)", // Ergo
    "You are not welcome on this server: open proxy", // UnrealIRCd
    "You have been banned from this network", // generic
  ];
  const throttled = [
    "Too many connections from your IP", // UnrealIRCd
    "Too many clients from your network", // Ergo (concurrent limit)
    "You have attempted to connect too many times within a short duration. Wait a while, and you will be able to connect.", // Ergo throttle
    "No more connections allowed from your host via this connect class (local)", // InspIRCd
    "Throttled: Too many connections have been made from your address", // InspIRCd connflood
    "Closing Link: 127.0.0.1 (Too many host connections (global))", // Solanum/charybdis
    "Your host is trying to (re)connect too fast -- throttled", // Solanum/charybdis
    "Closing Link: bob[127.0.0.1] (Throttled: Reconnecting too fast) -Email staff@example.org for more information.", // UnrealIRCd
  ];
  const password = [
    "Password incorrect", // Ergo, Solanum, InspIRCd (464 and Ergo's ERROR)
    "Closing link: (bob@127.0.0.1) [Invalid password.]", // InspIRCd ERROR
    "Closing Link: 127.0.0.1 (Bad Password)", // Solanum/charybdis ERROR
    "Closing Link: bob[127.0.0.1] (Password mismatch)", // UnrealIRCd
    "Password required", // a server that wants one the bridge did not send
  ];
  const neither = ["Ping timeout: 120 seconds", "Connection reset by peer", "Server shutting down", "Killed (oper (reader killed by the test))", "Excess Flood", "connect ECONNREFUSED 127.0.0.1:16667", "Quit: changing passwords"];
  for (const reason of banned) it(`refused for good: ${reason}`, () => assert.equal(refusalIn(reason), "banned"));
  for (const reason of throttled) it(`throttled (the network backs off): ${reason}`, () => assert.equal(refusalIn(reason), "throttled"));
  for (const reason of password) it(`the server password was refused (the network backs off, the operator must fix it): ${reason}`, () => assert.equal(refusalIn(reason), "password"));
  for (const reason of neither) it(`an ordinary disconnect: ${reason}`, () => assert.equal(refusalIn(reason), undefined));
});
