import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnsafeLineError, buildLine, ctcpAction, isFirstLine, splitMessage, stripFormatting, textBudget } from "../../src/irc/lines";

describe("IRC line building", () => {
  it("never lets CR, LF or NUL through: an injected command stays text", () => {
    const line = buildLine("PRIVMSG", ["#chan", "hello\r\nQUIT :bye\0"]);
    assert.equal(line, "PRIVMSG #chan :hello  QUIT :bye ");
    assert.doesNotMatch(line, /[\r\n\0]/);
  });

  it("CR, LF and NUL each on their own: a space in the last parameter, refused in a middle one", () => {
    for (const breaking of ["\r", "\n", "\0"]) {
      assert.equal(buildLine("AWAY", [`back soon${breaking}PRIVMSG #chan :hi`]), "AWAY :back soon PRIVMSG #chan :hi", JSON.stringify(breaking));
      assert.throws(() => buildLine("MODE", [`#chan${breaking}QUIT`, "+i"]), UnsafeLineError, JSON.stringify(breaking));
    }
  });

  it("puts a colon before a trailing parameter only when needed", () => {
    assert.equal(buildLine("JOIN", ["#chan"]), "JOIN #chan");
    assert.equal(buildLine("PRIVMSG", ["#c", "hi there"]), "PRIVMSG #c :hi there");
    assert.equal(buildLine("PRIVMSG", ["#c", ":)"]), "PRIVMSG #c ::)");
    assert.equal(buildLine("TOPIC", ["#c", ""]), "TOPIC #c :");
  });

  it("refuses middle parameters that would change the line", () => {
    assert.throws(() => buildLine("PRIVMSG", ["#a #b", "x"]), UnsafeLineError);
    assert.throws(() => buildLine("PRIVMSG", [":x", "x"]), UnsafeLineError);
    assert.throws(() => buildLine("MODE", ["", "+o"]), UnsafeLineError);
    assert.throws(() => buildLine("PRIV MSG", ["x"]), UnsafeLineError);
    assert.throws(() => buildLine("PRIVMSG\r\nQUIT", ["x"]), UnsafeLineError);
  });
});

describe("message splitting", () => {
  it("splits multi-line bodies into lines and drops empty ones", () => {
    assert.deepEqual(splitMessage("one\ntwo\r\n\nthree\r", 100), ["one", "two", "three"]);
  });

  it("keeps every piece within the byte budget and never breaks a UTF-8 character", () => {
    const body = "é🎉ü漢".repeat(100);
    const pieces = splitMessage(body, 50);
    for (const piece of pieces) {
      assert.ok(Buffer.byteLength(piece) <= 50);
      assert.doesNotMatch(piece, /\uFFFD/);
      assert.equal(Buffer.from(piece, "utf8").toString("utf8"), piece);
    }
    assert.equal(pieces.join(""), body, "nothing lost");
  });

  it("prefers breaking at a space", () => {
    const pieces = splitMessage("aaaa bbbb cccc dddd eeee", 12);
    assert.deepEqual(pieces, ["aaaa bbbb", "cccc dddd", "eeee"]);
  });

  it("computes the room left in a line", () => {
    assert.equal(textBudget("PRIVMSG", "#c", 50), 512 - (2 + 1 + 50 + 1 + "PRIVMSG #c :".length));
  });

  it("builds actions and strips formatting", () => {
    assert.equal(ctcpAction("waves"), "\u0001ACTION waves\u0001");
    assert.equal(stripFormatting("\u0002bold\u0002 \u000304,12red\u0003 \u001ditalic\u000f"), "bold red italic");
  });
});

describe("a message's first line in the channel's history (restart check)", () => {
  it("matches the same text, or a long piece of a split first line; never a shorter message", () => {
    const long = `${"word ".repeat(60)}end`;
    assert.equal(isFirstLine("kill-mx-1", "kill-mx-1"), true);
    assert.equal(isFirstLine("kill-mx-1", "kill-mx-10"), false);
    assert.equal(isFirstLine(long.slice(0, 150), long), true);
    assert.equal(isFirstLine("", ""), false);
  });
});
