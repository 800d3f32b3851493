import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { carryStyles, openStyles } from "../../src/irc/styleCarry";
import { splitMessage, stripFormatting } from "../../src/irc/lines";

describe("styles across the pieces of a long line", () => {
  it("opens again what is on at the end of a piece", () => {
    assert.equal(openStyles("\x02bold \x1dboth"), "\x02\x1d");
    assert.equal(openStyles("\x02bold\x02 plain"), "");
    assert.equal(openStyles("\x0304,01red"), "\x0304,01\x02\x02");
    assert.equal(openStyles("\x0304red\x03 none"), "", "a bare colour code ends the colour");
    assert.equal(openStyles("\x02\x0304x\x0f"), "", "a reset ends everything");
    assert.equal(openStyles("\x04ff0000,00ff00hex"), "\x04ff0000,00ff00\x02\x02");
    assert.equal(openStyles("plain"), "");
  });

  it("carries them to the next piece, and keeps the text", () => {
    assert.deepEqual(carryStyles(["\x02one", "two\x02 three", "four"]), ["\x02one", "\x02two\x02 three", "four"]);
  });

  it("splitMessage: a long bold line stays bold in every piece, within the byte budget", () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
    const pieces = splitMessage(`\x02${words}\x02 end`, 200);
    assert.ok(pieces.length > 2);
    for (const piece of pieces.slice(0, -1)) assert.ok(piece.startsWith("\x02"), JSON.stringify(piece.slice(0, 10)));
    for (const piece of pieces) assert.ok(Buffer.byteLength(piece) <= 200, `${Buffer.byteLength(piece)} bytes`);
    assert.equal(pieces.map(stripFormatting).join(" "), `${words} end`);
  });

  it("a line without codes is cut as before (no budget kept for codes)", () => {
    const line = "x".repeat(400);
    assert.deepEqual(splitMessage(line, 200), ["x".repeat(200), "x".repeat(200)]);
  });
});
