/**
 * `node dist/scripts/lookupBench.js [users]` (after `npm run -s build`): what the per-event lookups
 * cost with `users` puppets (default 1,000) over 100 channels, the scans they replaced (written here
 * as the code had them) against the indexes now in use: who is behind a nick (every JOIN, NAMES
 * entry, MODE), whose connection is in a channel (bans, Matrix power levels), who needs a typing
 * `done`, and the broker's election over one channel's JOINs and leaves. Microseconds per lookup,
 * one run. A script, not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import { ChannelBroker } from "../src/broker/channelBroker";
import { OwnNicks } from "../src/broker/ownNicks";
import { foldCase } from "../src/irc/casemapping";
import { ChannelList } from "../src/irc/channelList";
import { TypingNotes } from "../src/irc/typingNotes";
import { ListedChannels } from "../src/puppets/listedChannels";
import { Typists } from "../src/puppets/typists";

const USERS = Number(process.argv[2] ?? 1000);
const CHANNELS = 100;
const fold = (name: string) => foldCase(name, "rfc1459");

interface Puppet {
  readonly userId: string;
  readonly id: string;
  readonly nick: string;
  readonly channels: ChannelList;
  readonly typing: TypingNotes;
}

const puppets = new Map<string, Puppet>();
const ours = new OwnNicks();
const userByConnection = new Map<string, string>();
const listed = new ListedChannels<Puppet>();
const typists = new Typists();
for (let i = 0; i < USERS; i++) {
  const puppet: Puppet = { userId: `@user${i}:example.org`, id: `c${i}`, nick: `user${i}[m]`, channels: new ChannelList(undefined), typing: new TypingNotes() };
  puppets.set(puppet.userId, puppet);
  ours.set(puppet.id, fold(puppet.nick));
  userByConnection.set(puppet.id, puppet.userId);
  const channel = `#chan${i % CHANNELS}`;
  puppet.channels.join(channel);
  listed.listed(puppet, channel);
}
const names = (p: Puppet) => p.channels.entries().map((c) => c.name);

const scanUserOfNick = (nick: string) => {
  for (const [userId, p] of puppets) if (fold(p.nick) === fold(nick)) return userId;
  return undefined;
};
const indexUserOfNick = (nick: string) => {
  const id = ours.ownerOf(fold(nick));
  return id === undefined ? undefined : userByConnection.get(id);
};
const scanIn = (channel: string) => [...puppets.values()].filter((p) => names(p).some((c) => fold(c) === fold(channel))).map((p) => p.userId);
const indexIn = (channel: string) => listed.in(channel, fold).map((p) => p.userId);
const scanTyping = (channel: string) => {
  for (const p of puppets.values()) p.typing.stop(channel);
};
const indexTyping = (channel: string) => {
  for (const userId of typists.in(channel)) typists.remove(channel, userId);
};

/** The broker's election as it was: a copy of every member at each JOIN, a sort at each reader change. */
function scanElection(joins: number): void {
  const members = new Map<string, { preferred: boolean; since: number }>();
  let reader: string | undefined;
  let since = 0;
  const elect = () => {
    const current = reader === undefined ? undefined : members.get(reader);
    if (current !== undefined && [...members.values()].find((m) => m.preferred && !current.preferred) === undefined) return;
    reader = [...members].sort(([, a], [, b]) => Number(b.preferred) - Number(a.preferred) || a.since - b.since)[0]?.[0];
  };
  members.set("bot", { preferred: true, since: since++ });
  elect();
  for (let i = 0; i < joins; i++) {
    members.set(`c${i}`, { preferred: false, since: since++ });
    elect();
  }
  members.delete("bot");
  if (reader === "bot") reader = undefined;
  elect();
  for (let i = 0; i < joins; i++) {
    members.delete(`c${i}`);
    if (reader === `c${i}`) reader = undefined;
    elect();
  }
}
function indexElection(joins: number): void {
  const broker = new ChannelBroker<string>({ windowMs: 60000, graceMs: 3000 }, { deliver: () => undefined }, { now: () => 0, setTimeout: () => ({ cancel: () => undefined }) });
  broker.join("#c", "bot", true);
  for (let i = 0; i < joins; i++) broker.join("#c", `c${i}`);
  broker.leave("#c", "bot");
  for (let i = 0; i < joins; i++) broker.leave("#c", `c${i}`);
}

function time(label: string, reps: number, f: (i: number) => void): void {
  for (let i = 0; i < Math.min(reps, 100); i++) f(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) f(i);
  const us = Number(process.hrtime.bigint() - start) / 1000 / reps;
  console.log(`| ${label} | ${us < 10 ? us.toFixed(2) : us.toFixed(0)} |`);
}

if (indexUserOfNick("USER7{M}") !== scanUserOfNick("user7[m]") || indexIn("#CHAN7").join() !== scanIn("#chan7").join()) throw new Error("the index and the scan disagree");
console.log(`${USERS} puppets over ${CHANNELS} channels; microseconds per lookup (per whole run for the election)\n`);
console.log("| lookup | us |\n| --- | --- |");
time("user of a nick, scan", 2000, (i) => scanUserOfNick(`user${i % USERS}[m]`));
time("user of a nick, index", 200000, (i) => indexUserOfNick(`user${i % USERS}[m]`));
time("users in a channel, scan", 500, (i) => scanIn(`#chan${i % CHANNELS}`));
time("users in a channel, index", 50000, (i) => indexIn(`#chan${i % CHANNELS}`));
time("typing done, scan", 2000, () => scanTyping("#chan1"));
time("typing done, index", 200000, () => indexTyping("#chan1"));
time(`election over ${USERS} JOINs and leaves in one channel, scan`, 3, () => scanElection(USERS));
time(`election over ${USERS} JOINs and leaves in one channel, index`, 20, () => indexElection(USERS));
