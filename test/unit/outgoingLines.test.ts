import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linesToSay, tagPrefix } from "../../src/irc/outgoingLines";
import { UnsafeLineError } from "../../src/irc/lines";

describe("linesToSay: the IRC lines of one message", () => {
  it("puts client tags on the first line only, escaped", () => {
    const lines = linesToSay("privmsg", "#c", "one\ntwo", { tags: { "+draft/reply": "a b;c\\d" } });
    assert.deepEqual(lines, ["@+draft/reply=a\\sb\\:c\\\\d PRIVMSG #c one", "PRIVMSG #c two"]);
  });

  it("without tags, lines as before: CTCP ACTION, \\x01 removed, NOTICE", () => {
    assert.deepEqual(linesToSay("action", "#c", "waves \u0001x"), ["PRIVMSG #c :\u0001ACTION waves x\u0001"]);
    assert.deepEqual(linesToSay("notice", "#c", "hi there"), ["NOTICE #c :hi there"]);
    assert.deepEqual(linesToSay("privmsg", "#c", "\n \n"), []);
  });

  it("refuses a tag key that could change the line, and keeps a value from breaking it", () => {
    assert.throws(() => tagPrefix({ "+a b": "x" }), UnsafeLineError);
    assert.throws(() => tagPrefix({ "+a;b": "x" }), UnsafeLineError);
    assert.equal(tagPrefix({ "+draft/react": "👍\r\nQUIT" }), "@+draft/react=👍\\r\\nQUIT ");
    assert.equal(tagPrefix({ "+typing": "active", "+x": "" }), "@+typing=active;+x ");
    assert.equal(tagPrefix({}), "");
  });
});
