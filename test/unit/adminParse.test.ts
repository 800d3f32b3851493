import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommand, type ParsedCommand } from "../../src/admin/parse";

const cases: [string, string, ParsedCommand | "refused"][] = [
  ["a command", "!help", { kind: "command", name: "help", argv: [], rest: "" }],
  ["arguments split on any whitespace", "  !reconnect \t testnet  now ", { kind: "command", name: "reconnect", argv: ["testnet", "now"], rest: "testnet  now" }],
  ["the name is case-insensitive, arguments are kept", "!ReConnect TestNet", { kind: "command", name: "reconnect", argv: ["TestNet"], rest: "TestNet" }],
  ["only the first line (LF)", "!help\n!reconnect x", { kind: "command", name: "help", argv: [], rest: "" }],
  ["only the first line (CRLF)", "!help me\r\n!reconnect", { kind: "command", name: "help", argv: ["me"], rest: "me" }],
  // A second line smuggled after a raw IRC command is not part of its arguments.
  ["only the first line: nothing of the second reaches the arguments", "!cmd AWAY :back soon\nPRIVMSG #chan :hi", { kind: "command", name: "cmd", argv: ["AWAY", ":back", "soon"], rest: "AWAY :back soon" }],
  ["a CR elsewhere than before LF on the first line is fine", "!help\nsecond\rline", { kind: "command", name: "help", argv: [], rest: "" }],
  ["spaces inside the arguments are kept in rest", "!storepass  correct horse  battery ", { kind: "command", name: "storepass", argv: ["correct", "horse", "battery"], rest: "correct horse  battery" }],
  ["chat", "hello bot", { kind: "chat" }],
  ["chat before a command line", "hi\n!help", { kind: "chat" }],
  ["a bare !", "!", { kind: "command", name: "", argv: [], rest: "" }],
  ["NUL on the first line", "!help\u0000", "refused"],
  ["NUL on a later line", "!help\nx\u0000", "refused"],
  ["CR inside the first line", "!help\rx", "refused"],
  ["a lone CR at the end", "!help\r", "refused"],
];

describe("admin command parsing", () => {
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const parsed = parseCommand(body);
      if (expected === "refused") assert.equal(parsed.kind, "refused");
      else assert.deepEqual(parsed, expected);
    });
  }
});
