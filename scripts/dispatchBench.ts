/**
 * `npm run bench:dispatch`: what reading lines through irc-framework's client costs, in process,
 * with irc-framework's own dispatch (its client with the shared handler table, as the bridge built
 * it before) and with the bridge's shortened one (src/irc/dispatchingClient.ts): the CPU per
 * PRIVMSG read, and per connection for a registration, a join and a few messages (client built,
 * 22 lines read). Lines are handed to the client's connection as its transport would; the sink
 * only counts. A script, not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import { Client } from "irc-framework";
import { DispatchingClient } from "../src/irc/dispatchingClient";
import { shareCommandHandlers } from "../src/irc/sharedHandlers";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MESSAGES = 100_000;
const CONNECTIONS = 2_000;

/** irc-framework's own dispatch, every event counted as the bridge's sink would see it. */
class CountingClient extends Client {
  events = 0;
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    this.events++;
    return super.emit(event, ...args);
  }
}

type Kind = "irc-framework" | "shortened";

function client(kind: Kind, nick: string): { readonly client: Client; readonly events: () => number } {
  const options = { nick, username: "u", gecos: "g", ping_interval: 0, ping_timeout: 0, enable_echomessage: true };
  if (kind === "irc-framework") {
    const c = new CountingClient(options);
    shareCommandHandlers(c);
    return { client: c, events: () => c.events };
  }
  const c = new DispatchingClient(options);
  shareCommandHandlers(c);
  let events = 0;
  c.sink = () => events++;
  return { client: c, events: () => events };
}

function registration(nick: string): string[] {
  return [
    ":irc.test CAP * LS :account-notify away-notify batch cap-notify chghost echo-message extended-join invite-notify labeled-response message-tags multi-prefix sasl=PLAIN,EXTERNAL server-time setname userhost-in-names",
    ":irc.test CAP * ACK :account-notify away-notify batch cap-notify chghost echo-message extended-join invite-notify labeled-response message-tags multi-prefix server-time setname userhost-in-names",
    `:irc.test 001 ${nick} :Welcome to the network ${nick}`,
    `:irc.test 002 ${nick} :Your host is irc.test`,
    `:irc.test 003 ${nick} :This server was created today`,
    `:irc.test 004 ${nick} irc.test ergo BERTZios CEIMRUabefhiklmnoqstuv Iabefhkloqv`,
    `:irc.test 005 ${nick} AWAYLEN=390 BOT=B CASEMAPPING=ascii CHANLIMIT=#:100 CHANMODES=Ibe,k,fl,CEMRUimnstu CHANNELLEN=64 CHANTYPES=# ELIST=U EXCEPTS EXTBAN=,m INVEX :are supported by this server`,
    `:irc.test 005 ${nick} KICKLEN=390 MAXLIST=beI:60 MAXTARGETS=4 MODES MONITOR=100 NETWORK=Test NICKLEN=32 PREFIX=(qaohv)~&@%+ STATUSMSG=~&@%+ TOPICLEN=390 UTF8ONLY WHOX :are supported by this server`,
    `:irc.test 422 ${nick} :MOTD File is missing`,
    `:irc.test 221 ${nick} +i`,
    `@time=2026-12-05T10:00:00.000Z;msgid=j0 :${nick}!~u@host JOIN #chan * ${nick}`,
    `:irc.test 353 ${nick} = #chan :${nick} @op other`,
    `:irc.test 366 ${nick} #chan :End of NAMES list`,
    `:irc.test 324 ${nick} #chan +nt`,
    `:irc.test 329 ${nick} #chan 1796460000`,
    `@time=2026-12-05T10:00:01.000Z;msgid=m1 :other!~x@y PRIVMSG #chan :hello there`,
    `@time=2026-12-05T10:00:02.000Z;msgid=m2 :other!~x@y PRIVMSG #chan :\x01ACTION waves\x01`,
    `@time=2026-12-05T10:00:03.000Z;msgid=m3 :other!~x@y NOTICE #chan :a notice`,
    `@time=2026-12-05T10:00:04.000Z;msgid=m4 :late!~l@z JOIN #chan * late`,
    `@time=2026-12-05T10:00:05.000Z;msgid=m5 :op!~o@h MODE #chan +v late`,
    `@time=2026-12-05T10:00:06.000Z;msgid=m6 :late!~l@z PART #chan :bye`,
    `@time=2026-12-05T10:00:07.000Z;msgid=m7 :other!~x@y TOPIC #chan :a new topic`,
  ];
}

function cpuMicros(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function messages(kind: Kind): { readonly micros: number; readonly events: number } {
  const { client: c, events } = client(kind, "me");
  const lines = Array.from({ length: 1000 }, (_, i) => `@time=2026-12-05T10:00:01.000Z;msgid=m${i} :other${i % 7}!~x@y PRIVMSG #chan :hello there everyone, line ${i}`);
  const read = () => {
    for (let i = 0; i < MESSAGES / lines.length; i++) for (const line of lines) c.connection.addReadBuffer(line);
  };
  read();
  const before = events();
  const micros = cpuMicros(read);
  return { micros: micros / MESSAGES, events: (events() - before) / MESSAGES };
}

function connections(kind: Kind): { readonly micros: number; readonly events: number } {
  let events = 0;
  const run = () => {
    for (let i = 0; i < CONNECTIONS; i++) {
      const nick = `user${i}`;
      const one = client(kind, nick);
      for (const line of registration(nick)) one.client.connection.addReadBuffer(line);
      events += one.events();
    }
  };
  run();
  events = 0;
  const micros = cpuMicros(run);
  return { micros: micros / CONNECTIONS, events: events / CONNECTIONS };
}

const rows: string[] = [];
for (const kind of ["irc-framework", "shortened"] as const) {
  const perMessage: number[] = [];
  const perConnection: number[] = [];
  let messageEvents = 0;
  let connectionEvents = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const m = messages(kind);
    const c = connections(kind);
    perMessage.push(m.micros);
    perConnection.push(c.micros);
    messageEvents = m.events;
    connectionEvents = c.events;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  rows.push(`${kind.padEnd(14)} ${median(perMessage).toFixed(2).padStart(6)} µs per PRIVMSG (${messageEvents} events)   ${median(perConnection).toFixed(1).padStart(6)} µs per connection (${connectionEvents} events)`);
}
console.log(`CPU, median of ${ROUNDS} rounds (${MESSAGES} PRIVMSGs to one client; ${CONNECTIONS} clients built and taken through ${registration("x").length} lines):`);
for (const row of rows) console.log(row);
