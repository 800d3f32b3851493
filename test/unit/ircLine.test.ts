/**
 * parseIrcLine reads a line in place (src/irc/ircLine.ts). Its answers are checked against the
 * parser it replaced, kept here as the reference (it cut a shorter rest of the line after each word),
 * on real lines and on random ones made of the characters that matter to the syntax.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIrcLine, type IrcLine } from "../../src/irc/ircLine";

const ESCAPES: Readonly<Record<string, string>> = { ":": ";", s: " ", "\\": "\\", r: "\r", n: "\n" };

function referenceTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(";")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq === -1) tags[part] = "";
    else tags[part.slice(0, eq)] = part.slice(eq + 1).replace(/\\(.?)/g, (_m, c: string) => ESCAPES[c] ?? c);
  }
  return tags;
}

function word(rest: string): [string, string] {
  const trimmed = rest.replace(/^ +/, "");
  const space = trimmed.indexOf(" ");
  return space === -1 ? [trimmed, ""] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}

/** The parser before the in-place one, as it was. */
function reference(raw: string): IrcLine | undefined {
  let rest = raw.replace(/\r?\n$/, "");
  let tags: Record<string, string> = {};
  if (rest.startsWith("@")) {
    const [t, after] = word(rest.slice(1));
    tags = referenceTags(t);
    rest = after;
  }
  let source: string | undefined;
  rest = rest.replace(/^ +/, "");
  if (rest.startsWith(":")) {
    const [prefix, after] = word(rest.slice(1));
    source = prefix.split("!")[0]?.split("@")[0];
    rest = after;
  }
  const [command, after] = word(rest);
  if (command === "") return undefined;
  rest = after;
  const params: string[] = [];
  for (;;) {
    rest = rest.replace(/^ +/, "");
    if (rest === "") break;
    if (rest.startsWith(":")) {
      params.push(rest.slice(1));
      break;
    }
    const [param, next] = word(rest);
    params.push(param);
    rest = next;
  }
  return { tags, source: source === "" ? undefined : source, command: command.toUpperCase(), params };
}

const REAL = [
  "@msgid=abc;time=2026-12-03T19:25:31.826Z :bob!~b@host.example PRIVMSG #chan :hello there",
  ":irc.example.org 005 alice AWAYLEN=390 BOT=B CASEMAPPING=ascii CHANLIMIT=#:100 PREFIX=(qaohv)~&@%+ :are supported by this server",
  ":irc.example.org CAP * LS :account-notify away-notify batch cap-notify chghost draft/multiline=max-bytes=4096,max-lines=24",
  "PING :irc.example.org",
  "@label=b1 :srv BATCH +x labeled-response",
  "@+draft/reply=m1;+typing=active :bob!b@h TAGMSG #chan",
  "@a=b\\sc\\:d\\\\e\\rf\\ng\\x;empty=;flag :s 001 me :Welcome\r\n",
  ":bob JOIN #chan * :Real Name\n",
  ":irc.example.org 353 alice = #chan :@op +voice plain",
  "ERROR :Closing Link: 127.0.0.1 (Quit: bye)",
  "  :spaced   CMD   a   b  :  trailing with  spaces  ",
  ":nick@host!weird CMD x",
  "@ :src CMD",
  ":",
  "",
  "\r\n",
  "@",
  "@tags",
  "cmd",
];

describe("parseIrcLine (read in place) answers as the parser it replaced", () => {
  it("on real lines and edge cases", () => {
    for (const line of REAL) assert.deepEqual(parseIrcLine(line), reference(line), JSON.stringify(line));
    assert.deepEqual(parseIrcLine(REAL[0] ?? ""), { tags: { msgid: "abc", time: "2026-12-03T19:25:31.826Z" }, source: "bob", command: "PRIVMSG", params: ["#chan", "hello there"] }, "positive control");
  });

  it("on 20,000 random lines of the characters that matter to the syntax", () => {
    const alphabet = [" ", " ", " ", ":", "@", "!", ";", "=", "\\", "a", "B", "1", "#", "\r", "\n", "s"];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20000; i++) {
      const length = Math.floor(random() * 40);
      let line = "";
      for (let j = 0; j < length; j++) line += alphabet[Math.floor(random() * alphabet.length)] ?? "";
      assert.deepEqual(parseIrcLine(line), reference(line), JSON.stringify(line));
    }
  });
});
