/**
 * decodeLine.ts: UTF-8 where a line is UTF-8, the network's fallback where it is not, decided per
 * line; fallback names checked at config load.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodingProblem, lineDecoder } from "../../src/irc/decodeLine";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const REPLACEMENT = Buffer.from("\ufffd", "utf8");

describe("lineDecoder", () => {
  const decode = lineDecoder();

  it("reads a Latin-1 line with windows-1252 by default: the accented letters, no U+FFFD", () => {
    const line = bytes(":bob!b@h PRIVMSG #chan :caf", [0xe9], " d", [0xe9], "j", [0xe0], " vu");
    assert.equal(decode(line), ":bob!b@h PRIVMSG #chan :café déjà vu");
  });

  it("reads windows-1252's own letters (0x80-0x9f): euro sign, curly quotes", () => {
    assert.equal(decode(bytes("PRIVMSG #c :", [0x80, 0x20, 0x93], "hi", [0x94])), "PRIVMSG #c :€ “hi”");
  });

  it("reads every byte 0x80-0x9f as the WHATWG windows-1252 table says", () => {
    const high = Array.from({ length: 32 }, (_, i) => 0x80 + i);
    assert.equal(decode(bytes([0xff], high)), "ÿ€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ");
  });

  it("decides per line: a UTF-8 line after a Latin-1 one is UTF-8", () => {
    assert.equal(decode(bytes("PRIVMSG #c :na", [0xef], "ve")), "PRIVMSG #c :naïve");
    assert.equal(decode(Buffer.from("PRIVMSG #c :naïve ☕ 日本", "utf8")), "PRIVMSG #c :naïve ☕ 日本");
  });

  it("uses the network's fallback: koi8-r", () => {
    const koi = lineDecoder("koi8-r");
    assert.equal(koi(bytes("PRIVMSG #c :", [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4])), "PRIVMSG #c :Привет");
  });

  it("one decoder per fallback, shared by every connection: each keeps its own fallback", () => {
    const koi = lineDecoder("koi8-r");
    assert.equal(lineDecoder("koi8-r"), koi, "the same label: the same decoder");
    assert.notEqual(lineDecoder(), koi);
    const latin = bytes("PRIVMSG #c :", [0xf0, 0xd2]);
    assert.equal(lineDecoder()(latin), "PRIVMSG #c :ðÒ");
    assert.equal(lineDecoder("koi8-r")(latin), "PRIVMSG #c :Пр");
  });

  it("property: valid UTF-8 comes back unchanged, whatever the fallback", () => {
    for (const fallback of ["windows-1252", "iso-8859-15", "shift_jis"]) {
      const d = lineDecoder(fallback);
      fc.assert(
        fc.property(fc.string({ unit: "binary" }), (text) => {
          assert.equal(d(Buffer.from(text, "utf8")), text);
        }),
        { numRuns: 300 },
      );
    }
  });

  it("property: any Latin-1 byte string decodes without U+FFFD (unless its bytes are U+FFFD in UTF-8)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        const line = Buffer.from(raw);
        const text = decode(line);
        if (text.includes("\ufffd")) assert.ok(line.includes(REPLACEMENT), `U+FFFD from ${line.toString("hex")}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: a line that is not UTF-8 reads byte for byte (one character per byte, ASCII unchanged)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (raw) => {
        const line = Buffer.concat([Buffer.from(raw), Buffer.from([0xff])]);
        const text = decode(line);
        // windows-1252 maps every byte to one character of the Basic Multilingual Plane.
        assert.equal(text.length, line.length);
        line.forEach((byte, i) => {
          if (byte < 0x80) assert.equal(text.charCodeAt(i), byte);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("encodingProblem", () => {
  it("accepts WHATWG labels the bridge can decode", () => {
    for (const label of ["windows-1252", "latin1", "iso-8859-15", "koi8-r", "shift_jis", "gb18030"]) assert.equal(encodingProblem(label), undefined, label);
  });
  it("refuses unknown names and encodings that do not keep ASCII", () => {
    assert.match(encodingProblem("klingon") ?? "", /not an encoding/);
    assert.match(encodingProblem("iso-2022-kr") ?? "", /not an encoding/);
    assert.match(encodingProblem("utf-16le") ?? "", /ASCII/);
  });
});
