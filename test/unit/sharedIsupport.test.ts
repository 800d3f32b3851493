import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "irc-framework";
import { shareIsupport, sharedIsupportTables } from "../../src/irc/sharedIsupport";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: Client, line: string): void {
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer(line);
}

/** A client that shares its table after each 005, as IrcConnection does on "server options". */
function sharing(): Client {
  const client = new Client({ ping_interval: 0, ping_timeout: 0 });
  client.on("server options", () => shareIsupport(client.network));
  return client;
}

const ISUPPORT = [
  ":srv 005 alice AWAYLEN=390 BOT=B CASEMAPPING=ascii CHANLIMIT=#:100 CHANMODES=Ibe,k,fl,CEMRUimnstu CHANNELLEN=64 CHANTYPES=# ELIST=U EXCEPTS EXTBAN=,m FORWARD=f INVEX KICKLEN=390 :are supported by this server",
  ":srv 005 alice MAXLIST=beI:60 MAXTARGETS=4 MODES MONITOR=100 NETWORK=TestNet NICKLEN=32 PREFIX=(qaohv)~&@%+ STATUSMSG=~&@%+ TARGMAX=NAMES:1,LIST:1,KICK:,WHOIS:1,USERHOST:10,PRIVMSG:4,TAGMSG:4,NOTICE:4,MONITOR:100 :are supported by this server",
  ":srv 005 alice TOPICLEN=390 UTF8ONLY WHOX draft/CHATHISTORY=1000 CLIENTTAGDENY=*,-draft/react :are supported by this server",
];

/** Every token a client holds, own or shared, as irc-framework reads them (by name). */
function tokens(client: Client): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in client.network.options) out[name] = client.network.supports(name);
  return out;
}

test("clients that heard the same 005 lines read the same values from one table, as without sharing", () => {
  const own = new Client({ ping_interval: 0, ping_timeout: 0 });
  const a = sharing();
  const b = sharing();
  for (const line of ISUPPORT) for (const client of [own, a, b]) hear(client, line);
  assert.deepEqual(tokens(a), tokens(own));
  assert.deepEqual(tokens(b), tokens(own));
  assert.ok(Object.keys(tokens(own)).length > 25, "positive control: the tokens were read");
  const shared = Object.getPrototypeOf(a.network.options) as object;
  assert.equal(Object.getPrototypeOf(b.network.options), shared, "one table for both");
  assert.deepEqual(Object.keys(a.network.options), [], "nothing of its own left");
  assert.equal(Object.isExtensible(shared), false, "no token can be added to it");
  assert.throws(() => (asRecord(shared).PREFIX as unknown[]).push({ symbol: "!", mode: "Y" }), TypeError, "its lists are frozen");
  assert.throws(() => ((asRecord(shared).PREFIX as { mode: string }[])[0] ?? { mode: "" }).mode = "Y", TypeError, "and their pairs");
  // irc-framework's own readers of the table: channel names, NAMES prefixes, mode parameters.
  assert.equal(a.network.isChannelName("#x"), true);
  assert.equal(a.network.isChannelName("&x"), false, "CHANTYPES=# only");
  const names: unknown[] = [];
  a.on("userlist", (e: { users: unknown[] }) => names.push(...e.users));
  hear(a, ":srv 353 alice = #chan :~owner &admin %half +voice plain");
  hear(a, ":srv 366 alice #chan :End of /NAMES list.");
  assert.deepEqual(
    names.map((u) => (u as { nick: string; modes: string[] }).nick + ":" + (u as { modes: string[] }).modes.join("")),
    ["owner:q", "admin:a", "half:h", "voice:v", "plain:"],
  );
});

function asRecord(table: object): Record<string, unknown> {
  return table as Record<string, unknown>;
}

test("a token heard later by one client is its own: the other client and the shared table keep theirs", () => {
  const a = sharing();
  const b = sharing();
  for (const line of ISUPPORT) for (const c of [a, b]) hear(c, line);
  const before = Object.getPrototypeOf(b.network.options) as object;
  hear(a, ":srv 005 alice CHANTYPES=#& NICKLEN=20 NEWTOKEN=1 :are supported by this server");
  assert.equal(a.network.supports("NICKLEN"), "20");
  assert.equal(a.network.supports("NEWTOKEN"), "1");
  assert.equal(a.network.isChannelName("&x"), true);
  assert.equal(b.network.supports("NICKLEN"), "32");
  assert.equal(b.network.supports("NEWTOKEN"), undefined);
  assert.equal(b.network.isChannelName("&x"), false);
  assert.equal(asRecord(before).NICKLEN, "32", "the shared table was not written");
  assert.notEqual(Object.getPrototypeOf(a.network.options), before, "a shares another table now");
  assert.equal(Object.getPrototypeOf(b.network.options), before);
});

test("past the cap on tables, the least recently shared one is forgotten: its clients keep it, a later client gets a new one", () => {
  // 64 tables of this test's own (whatever earlier tests left, these push them out).
  const clients: Client[] = [];
  for (let i = 0; i < 64; i++) {
    const c = sharing();
    hear(c, `:srv 005 alice NETWORK=Cap${i} NICKLEN=${i + 1} :are supported by this server`);
    clients.push(c);
  }
  assert.equal(sharedIsupportTables(), 64, "positive control: the cap was reached");
  const tableOf = (c: Client | undefined) => Object.getPrototypeOf(c?.network.options) as object;
  // Cap1 is shared again: it is now the most recently shared, Cap0 the least.
  const again = sharing();
  hear(again, ":srv 005 alice NETWORK=Cap1 NICKLEN=2 :are supported by this server");
  assert.equal(tableOf(again), tableOf(clients[1]), "a kept table is shared");
  const late = sharing();
  hear(late, ":srv 005 alice NETWORK=Late NICKLEN=99 :are supported by this server");
  assert.equal(sharedIsupportTables(), 64, "no more than the cap");
  assert.notEqual(tableOf(late), Object.prototype, "the new tokens are shared");
  assert.equal(late.network.supports("NICKLEN"), "99");
  assert.equal(clients[0]?.network.supports("NICKLEN"), "1", "the forgotten table's clients keep it");
  const after = sharing();
  hear(after, ":srv 005 alice NETWORK=Cap0 NICKLEN=1 :are supported by this server");
  assert.notEqual(tableOf(after), tableOf(clients[0]), "Cap0 was the one forgotten: a new table");
  const kept = sharing();
  hear(kept, ":srv 005 alice NETWORK=Cap1 NICKLEN=2 :are supported by this server");
  assert.equal(tableOf(kept), tableOf(clients[1]), "Cap1, shared since, was kept");
});

test("clients whose latest 005 lines are the same but whose earlier ones differ share no table", () => {
  const a = sharing();
  const b = sharing();
  const c = sharing();
  hear(a, ":srv 005 alice NETWORK=First NICKLEN=10 :are supported by this server");
  hear(b, ":srv 005 alice NETWORK=Second NICKLEN=20 :are supported by this server");
  hear(c, ":srv 005 alice NETWORK=First NICKLEN=10 :are supported by this server");
  for (const client of [a, b, c]) hear(client, ":srv 005 alice CHANTYPES=# TOPICLEN=390 :are supported by this server");
  const tableOf = (client: Client) => Object.getPrototypeOf(client.network.options) as object;
  assert.notEqual(tableOf(a), tableOf(b));
  assert.equal(tableOf(a), tableOf(c), "positive control: the same lines in the same order share one table");
  assert.deepEqual([a, b].map((client) => [client.network.supports("NETWORK"), client.network.supports("NICKLEN"), client.network.supports("TOPICLEN")]), [
    ["First", "10", "390"],
    ["Second", "20", "390"],
  ]);
});

test("the same 005 lines heard again (a VERSION answers with them) keep the table: no new one, nothing of the client's own", () => {
  const a = sharing();
  const b = sharing();
  for (const line of ISUPPORT) for (const client of [a, b]) hear(client, line);
  const table = Object.getPrototypeOf(a.network.options) as object;
  const count = sharedIsupportTables();
  for (let i = 0; i < 3; i++) for (const line of ISUPPORT) hear(a, line);
  assert.equal(Object.getPrototypeOf(a.network.options), table, "the same table");
  assert.equal(sharedIsupportTables(), count, "no table made");
  assert.deepEqual(Object.keys(a.network.options), []);
  // Positive control: a line that changes a token still makes a table of its own.
  hear(a, ":srv 005 alice NICKLEN=20 :are supported by this server");
  assert.notEqual(Object.getPrototypeOf(a.network.options), table);
  assert.equal(a.network.supports("NICKLEN"), "20");
  assert.equal(b.network.supports("NICKLEN"), "32");
});
