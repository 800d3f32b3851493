import assert from "node:assert/strict";
import { test } from "node:test";
import { parseIrcLine } from "../../src/irc/ircLine";
import { ServerView } from "../../src/irc/serverView";
import { heapAfterGc } from "../support/gc";

test("what a connection's server view keeps holds none of the lines it came from", () => {
  const before = heapAfterGc();
  const views: ServerView[] = [];
  for (let i = 0; i < 200; i++) {
    const view = new ServerView();
    // Lines of 50 KB each (a long token, a long realname), each its own.
    const isupport = parseIrcLine(`:srv 005 bob${i} CHANMODES=Ibe,k,fl,CEMRUimnstu PREFIX=(qaohv)~&@%+ X=${"x".repeat(50_000)} :are supported`);
    const join = `:bob${i}!~bob@cloaked-host-of-user-${i}.example JOIN #chan * :${"r".repeat(50_000)}`;
    assert.ok(isupport !== undefined);
    view.heard(isupport);
    // As irc-framework hands them: slices of the line.
    view.joined(join.slice(join.indexOf("!") + 1, join.indexOf("@")), join.slice(join.indexOf("@") + 1, join.indexOf(" ")));
    views.push(view);
  }
  const grown = (heapAfterGc() - before) / 1e6;
  const seventh = views.at(7);
  assert.ok(seventh !== undefined);
  assert.equal(seventh.hostmask("bob7"), "bob7!~bob@cloaked-host-of-user-7.example");
  assert.deepEqual(seventh.modeSpec.prefix.map((p) => p.symbol).join(""), "~&@%+");
  assert.equal(seventh.modeSpec.whenSet, "fl");
  assert.ok(grown < 1, `200 views hold ${grown} MB (their lines are 20 MB)`);
});
