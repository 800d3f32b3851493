/**
 * The bridge's configuration: the one source of truth for its keys, types, defaults and docs.
 * `config.sample.yaml` is generated from this file (`npm run config:sample`); a test fails when the
 * committed sample drifts, and another proves every key here is read by the code.
 */
import { patternListProblem } from "../access/patterns";
import { isValidChannelName } from "../irc/channelName";
import { MANAGED_COMMANDS } from "../irc/syntax";
import { isIP } from "node:net";
import { DEFAULT_DISALLOWED_IP_RANGES, rangeProblem } from "../provisioning/openId/ipRanges";
import { overrideProblem } from "../provisioning/openId/override";
import { parseServerName } from "../provisioning/openId/serverDiscovery";
import { parseIpv6Prefix } from "../puppets/ipv6Address";
import { serverFields } from "./serverSchema";
import { bool, int, list, map, num, obj, oneOf, str, stringList, type Infer } from "./schemaKit";

const NETWORK_ID = /^[a-z][a-z0-9-]{0,31}$/;
const ROOM_ID = /^![^:\s]+:[^\s]+$/;
const LOCALPART = /^[a-z0-9._=\-/]+$/;
const USER_ID = /^@[^:\s]+:\S+$/;

const mustContain = (placeholder: string) => (value: string) =>
  value.includes(placeholder) ? undefined : `must contain the placeholder ${placeholder}`;

const commandWords = (v: readonly string[]) => {
  const bad = v.find((c) => !/^[A-Za-z]+$/.test(c));
  if (bad !== undefined) return `each entry must be an IRC command word of letters only, got ${JSON.stringify(bad)}`;
  const managed = v.find((c) => MANAGED_COMMANDS.includes(c.toUpperCase()));
  return managed === undefined ? undefined : `${managed} is managed by the bridge (use !nick, !join, !part, !quit) and cannot be listed`;
};

const ipv6PrefixProblem = (value: string) => {
  const parsed = parseIpv6Prefix(value);
  return typeof parsed === "string" ? parsed : undefined;
};

const httpUrl = (value: string) => (/^https?:\/\/[^\s/]+/.test(value) ? undefined : "must be an http:// or https:// URL");

const networkSchema = obj("One IRC network.", {
  id: str.required("Short identifier, used in commands, ids and metrics labels. Lower case letters, digits and '-'.", "example", {
    refine: (v) => (NETWORK_ID.test(v) ? undefined : "must match ^[a-z][a-z0-9-]{0,31}$"),
  }),
  name: str.required("Human-readable name, shown to users (admin rooms, room directory).", "Example IRC"),
  icon: str.optional("Icon of the network shown by Matrix clients that list the bridge's networks (third-party protocol lookups): an mxc:// content URI.", "mxc://example.org/abcdefghijkl", {
    refine: (v) => (/^mxc:\/\/[^/\s]+\/[A-Za-z0-9_-]+$/.test(v) ? undefined : "must be an mxc:// content URI such as mxc://example.org/abcdef"),
  }),
  ...serverFields,
  userModes: str.optional(
    "User modes each Matrix user's connection sets on itself once registered, at every connection and reconnection (MODE <nick> <modes>), e.g. \"+x\" for a cloaked host or \"+R\" for private messages from registered users only. Mode letters after + or -. Not the bridge bot's connection. Unset: none.",
    "+x",
    { refine: (v) => (/^([+-][A-Za-z]+)+$/.test(v) ? undefined : "must be mode letters after + or -, such as \"+x\" or \"+iR-w\"") },
  ),
  ghostDisplayname: str.withDefault(
    "Displayname of the ghost users that stand for IRC nicks. Placeholders: {nick} (as written on IRC), {network} (the network's name), e.g. \"{nick} (IRC)\".",
    "{nick}",
    { refine: (v) => mustContain("{nick}")(v) ?? (/[\r\n\0]/.test(v) ? "must not contain line breaks" : undefined) },
  ),
  userTemplate: str.withDefault(
    "Username (ident) of a Matrix user's IRC connection. Placeholder: {localpart} (its letters and digits). Cleaned to a-z 0-9 . _ - and 10 characters, made unique on the network with a number. A user keeps the username they were first given.",
    "{localpart}",
  ),
  realnameFormat: oneOf(["mxid", "reverse-mxid"] as const).withDefault(
    "Realname of a Matrix user's IRC connection: \"mxid\" (@alice:example.org) or \"reverse-mxid\" (example.org:alice). realnameTemplate overrides it.",
    "mxid",
  ),
  realnameTemplate: str.optional(
    "Realname from a template instead. Placeholders: {mxid}, {localpart}, {domain}, {reversemxid}. Control characters are removed and it is cut to 64 bytes.",
    "{localpart} on {domain} via Matrix",
  ),
  ipv6: obj("One IPv6 source address per Matrix user, so network staff can tell users apart and ban one.", {
    prefix: str.optional(
      "Prefix the users' addresses come from (length 8 to 80). Each Matrix user gets one stable address in it, derived from their user id. The host must route the prefix to itself and allow binding to it (Linux: ip -6 route add local <prefix> dev lo; sysctl net.ipv6.ip_nonlocal_bind=1). The bridge bot uses bindAddress.",
      "2001:db8:1::/64",
      { refine: ipv6PrefixProblem },
    ),
  }),
  webirc: obj("WEBIRC: the bridge as a trusted gateway that tells the server each user's address, where the network gave the bridge a WEBIRC block.", {
    password: str.optional("WEBIRC password the network gave the bridge (never logged). Unset: no WEBIRC.", "webirc-secret", {
      refine: (v) => (/^[\x21-\x39\x3b-\x7e]+$/.test(v) ? undefined : "must be one word without ':' or control characters"),
      secret: true,
    }),
    hostname: str.optional("Hostname sent for every user (default: their address).", "matrix.example.org", {
      refine: (v) => (/^[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?$/.test(v) && !v.includes("..") ? undefined : "must be a host name (letters, digits, '.' and '-')"),
    }),
    address: str.optional("Address sent for every user when the network has no ipv6.prefix (with one, each user's own address is sent).", "192.0.2.10", {
      refine: (v) => (isIP(v) === 0 ? "must be an IPv4 or IPv6 address" : undefined),
    }),
  }),
  nickTemplate: str.withDefault(
    "Nick for a Matrix user's IRC connection. Placeholders: {displayname}, {localpart}. Cleaned to the server's allowed characters and NICKLEN.",
    "{displayname}[m]",
    { refine: (v) => (v.includes("{displayname}") || v.includes("{localpart}") ? undefined : "must contain {displayname} or {localpart}") },
  ),
  nickFollowsDisplayname: bool.withDefault("When a Matrix user changes their displayname, change their IRC nick to match (from nickTemplate).", true),
  ghostTemplate: str.withDefault(
    "Matrix localpart of the ghost user that stands for an IRC nick. Placeholder: {nick} (escaped to a valid lower-case localpart).",
    "irc_{nick}",
    {
      refine: (v) =>
        mustContain("{nick}")(v) ?? (LOCALPART.test(v.replace("{nick}", "")) ? undefined : "text around {nick} must be lower-case localpart characters (a-z 0-9 . _ = - /)"),
    },
  ),
  aliasTemplate: str.withDefault(
    "Localpart of the portal room alias for a channel (a Matrix user joins #<this>:<domain>). Placeholder: {channel}, including its '#'.",
    "irc_{channel}",
    { refine: (v) => mustContain("{channel}")(v) ?? (/[:\s]/.test(v) ? "must not contain ':' or spaces" : undefined) },
  ),
  portals: obj("Portal rooms: rooms the bridge creates when a Matrix user joins a channel's alias.", {
    enabled: bool.withDefault("Create portal rooms on demand.", true),
    joinRule: oneOf(["public", "invite"] as const).withDefault("Join rule of new portal rooms.", "public"),
    published: bool.withDefault(
      "List portal rooms in the homeserver's room directory, under this network (clients can filter the directory by it), while the bridge sees their channel open: a channel with +s, +p, +i or +k is never listed, and is taken out when it turns so. Needs joinRule: public.",
      false,
    ),
    useHomeserverDirectory: bool.withDefault("With published: list portals in the homeserver's main room directory instead of this network's own list in it.", false),
    excludedChannels: stringList("channel names").withDefault("Channels that never get a portal room (compared with the server's casemapping).", []),
    aliasForMappedChannels: bool.withDefault("Also give a statically mapped channel a portal room (a second, unmapped room) when someone joins its alias.", false),
    requireBotJoin: bool.withDefault(
      "Create a portal only for a channel the bridge bot may join: the bot JOINs it first and a refusal means no portal (needs bot.enabled). The bot then stays in the channel.",
      false,
    ),
    maxPerMinute: int(1, 100000).withDefault("Portal rooms created per minute on this network at most; more are refused until the minute has passed.", 10),
    max: int(1, 10000000).withDefault("Portal rooms on this network at most; more are refused.", 1000),
    modeTimeoutSeconds: int(1, 60).withDefault("How long to wait for the channel's modes (and the bot's JOIN) before creating a portal; without an answer the portal starts invite-only.", 5),
  }),
  mappings: map(
    "Static mappings: a channel bridged to existing Matrix rooms. The bridge bot must be invited to each room.",
    { expected: "a channel name such as \"#channel\"", accepts: isValidChannelName },
    obj("One statically mapped channel.", {
      roomIds: stringList("room ids").required("Matrix room ids bridged to this channel.", ["!exampleroomid:example.org"], {
        refine: (v) => (v.length === 0 ? "expected at least one room id" : v.every((r) => ROOM_ID.test(r)) ? undefined : "each entry must be a room id such as !abc:example.org"),
      }),
      key: str.optional(
        "The channel's key (+k), used only for joins that come from these rooms: a Matrix user joining one of them, and the IRC bot joining the channel. Never for a portal room of the same channel or a !join without a key. Never logged.",
        "channel-key",
        { refine: (v) => (v === "" || /[\s,\0]/.test(v) || v.startsWith(":") ? "must be one word: no spaces, commas or line breaks, and not starting with ':'" : undefined), secret: true },
      ),
    }),
    { "#example-channel": { roomIds: ["!exampleroomid:example.org"] } },
  ),
  netsplitDebounceSeconds: int(0, 86400).withDefault(
    "A QUIT that looks like a netsplit is bridged only if the nick has not rejoined within this many seconds, so rooms do not churn (0: bridge at once).",
    60,
  ),
  bot: obj(
    "An optional IRC connection for the bridge bot itself. When enabled it joins every statically mapped channel (portal channels only with portals.requireBotJoin), is the preferred reader of their traffic, and, where a channel operator ops it, kicks, bans and gives modes for Matrix moderators who are not operators on IRC themselves. It also reads a channel's modes before its portal is created; without it and with no user connected, a new portal starts invite-only until a connection sees the channel open.",
    {
      enabled: bool.withDefault("Connect the bridge bot to IRC.", false),
      nick: str.withDefault("Nick of the bridge bot on IRC.", "matrixbridge"),
      account: str.optional("Account the bot logs in to with password (SASL PLAIN where the server offers it, else NickServ IDENTIFY once connected). Default: bot.nick.", "matrixbridge", {
        refine: (v) => (/^[^\s\0]+$/.test(v) ? undefined : "must be one word without spaces or line breaks"),
      }),
      password: str.optional(
        "Password of the bot's account (never logged); with it the bot logs in on every connection, and a failed login is logged. Better sealed: `npm run -s seal-secret -- -c config.yaml --network <id> --key bot.password`.",
        "bot-account-password",
        { refine: (v) => (/[\r\n\0]/.test(v) || v === "" ? "must be one line, not empty" : undefined), secret: true },
      ),
      passwordFile: str.optional("Or a file holding the bot's password (its text without the final line break; clear or sealed:v1:...). Not both password and passwordFile.", "/run/secrets/irc-bot-password"),
    },
  ),
  lineLimit: int(1, 100).withDefault(
    "A Matrix message that IRC would get as more IRC lines than this (after splitting to IRC's line length) goes out as its first lines and a link to the whole text, served by the bridge (see mediaProxy), at most this many lines in all (2 when this is 1); the sender sees a ✂️ reaction. Keeps a paste from flooding the channel.",
    3,
  ),
  lineLimitBytes: int(64, 100000).withDefault("A Matrix message with more bytes of text than this goes out the same way (first lines and a link), however few lines it has.", 2048),
  sendPacing: obj("How fast each connection writes to the server (token bucket), so the server's flood limits are never hit.", {
    burstLines: int(1, 100).withDefault("Lines a quiet connection may send at once.", 4),
    lineIntervalMs: int(0, 60000).withDefault("Then one line every this many milliseconds.", 500),
    maxQueuedLines: int(1, 100000).withDefault("Lines a connection may hold while it is registering or paced; more are refused and the sender is told.", 200),
    maxWaitSeconds: int(1, 86400).withDefault(
      "A Matrix message that could not be written to IRC within this many seconds (its connection is down or reconnecting) is given up, and the sender is told in the room.",
      120,
    ),
    maxOrderHoldMs: int(0, 600000).withDefault(
      "Longest a Matrix user's message waiting for the server's confirmation holds back other users' messages to the same channel (which keep the channel's order behind it). A user whose connection is down, or whose message waited longer (fakelag, a stalled server), no longer holds the others; their own messages still go out in their order. 0 keeps order only per user.",
      3000,
    ),
  }),
  connect: obj("How fast the bridge opens connections to this network (one scheduler for all its connections), sized to what the server tolerates from the bridge's address.", {
    perSecond: num(0.01, 1000).withDefault("New connections per second, sustained.", 5),
    burst: int(1, 10000).withDefault("New connections that may start at once after a quiet spell.", 10),
    concurrent: int(1, 10000).withDefault("Connections registering at the same time, at most.", 10),
    jitterMs: int(0, 60000).withDefault("Random extra delay, up to this, before each reconnect, so connections do not arrive in lockstep.", 250),
    probeIntervalMs: int(100, 600000).withDefault("While the server cannot be reached, one connection tries again this often; the rest follow once it is back.", 1000),
    breakerMinSeconds: int(1, 86400).withDefault(
      "When the server says the bridge is throttled, K-lined or has too many connections, no new connection starts for this long (doubling on each repeat).",
      30,
    ),
    breakerMaxSeconds: int(1, 86400).withDefault("Longest back-off after repeated refusals.", 600),
  }),
  privateMessages: obj("Private messages between Matrix users and IRC users: one Matrix room per Matrix user and IRC nick, with the nick's ghost.", {
    enabled: bool.withDefault(
      "Bridge private messages. When off, ghosts decline direct chats (saying why) and an IRC user who messages a Matrix user gets one NOTICE saying private messages are not bridged.",
      true,
    ),
    requireRegisteredSender: bool.withDefault(
      "Open a new private room only for IRC senders logged in to an account: the IRCv3 account-tag on the message, or what extended-join and account-notify told the bridge. A server that offers none of these cannot tell, and then no one is refused. Rooms that exist already keep working.",
      false,
    ),
    maxNewRoomsPerHour: int(0, 100000).withDefault(
      "New private rooms IRC senders may open for one Matrix user in an hour (counted since the bridge started); senders beyond that are refused until the hour has passed. Rooms that exist already keep working. 0: IRC users cannot open new ones.",
      20,
    ),
  }),
  connections: obj("Limits on the IRC connections of Matrix users.", {
    max: int(1, 100000).withDefault(
      "Most connections to this network at once. At the limit, a new user is told the bridge is full and gets no connection; no one connected is disconnected to make room.",
      1000,
    ),
    idleTimeoutSeconds: int(0, 31536000).withDefault("Close a connection that is in no channel for this long (0: never).", 600),
    inactiveHours: int(0, 87600).withDefault(
      "Close the connection of a user who sent nothing through the bridge for this long (0: never). Their channels are kept; a message or !reconnect brings them back.",
      0,
    ),
    pingIntervalSeconds: int(5, 3600).withDefault(
      "A connection that heard nothing from the server for this long PINGs it, so a dead connection is noticed. A connection that hears something more often sends no PING (in a busy channel, none).",
      30,
    ),
    pingTimeoutSeconds: int(5, 3600).withDefault(
      "Drop and reconnect a connection that heard nothing from the server for this long, its PING unanswered (a server that died without closing the socket; a restart or a socket error is noticed at once).",
      60,
    ),
    readPauseMs: int(0, 5000).withDefault(
      "A connection whose last read held only copies of channel lines another of the bridge's connections already heard (a channel many of its users are in) reads its socket again only after up to this long; what came meanwhile is read in one go, and a line it writes has it read at once. Less CPU per user in busy shared channels; a private message to such a user reaches Matrix up to this much later. 0: every socket is read at once.",
      500,
    ),
    reconnectMinMs: int(100, 600000).withDefault("A connection that keeps dropping soon after registering waits this long before its second reconnect (doubling each time).", 1000),
    reconnectMaxMs: int(1000, 3600000).withDefault("Longest wait of a connection that keeps dropping.", 60000),
  }),
  chanops: obj(
    "IRC channel operators and channel modes, both ways. IRC -> Matrix: prefix modes become power levels, channel modes change the room. Matrix -> IRC: kicks, bans, op and voice that Matrix moderators give in a bridged room are carried out on IRC, through their own connection when they are a channel operator there, else through the IRC bot (bot.enabled) when an operator opped it; otherwise the room is told why not.",
    {
    moderatorLevel: int(0, 1000000).withDefault("Power level a Matrix user needs in the room for the bridge to kick, ban or change modes on IRC for them.", 50),
    levels: obj(
      "Matrix power level for each IRC prefix mode. Applied only to the modes the server's PREFIX has; a member's highest wins; 0 leaves the mode unmapped. The bridge bot keeps 100; levels a Matrix moderator set by hand are never lowered.",
      {
        q: int(0, 99).withDefault("Channel owner (~).", 90),
        a: int(0, 99).withDefault("Channel admin (&).", 75),
        o: int(0, 99).withDefault("Channel operator (@).", 50),
        h: int(0, 99).withDefault("Half-operator (%).", 25),
        v: int(0, 99).withDefault("Voice (+). Also what a moderated (+m) channel's room requires to speak.", 1),
      },
    ),
    batchMs: int(0, 60000).withDefault(
      "Power-level changes to a room within this many milliseconds are written as one m.room.power_levels event (a netjoin can op dozens at once).",
      500,
    ),
    modeNotices: bool.withDefault(
      "Show channel mode changes that have no Matrix counterpart (+t, +n, +l, bans, exceptions...) as short notices in the room. A channel key is never shown.",
      false,
    ),
    },
  ),
  kickOn: obj(
    "When the bridge removes a Matrix user from bridged rooms because IRC does not let their own connection in (so nobody reads a channel IRC refused them). The removal says why, in the server's words, and what would let them in.",
    {
      channelJoinFailure: bool.withDefault(
        "Remove a user from a channel's rooms when the server refuses their JOIN (full, invite-only, banned, wrong key, registered nicks only, TLS only, operators only...), or from a room when they cannot get a connection at all.",
        true,
      ),
      ircConnectionFailure: bool.withDefault("Remove a user from every bridged room of the network when the server refuses their connection for good (banned, K-lined, G-lined).", true),
      userQuit: bool.withDefault("Remove a user from every bridged room of the network when they leave it with !quit.", true),
      channelBan: bool.withDefault("Remove a user from a channel's rooms when a ban (+b) set on IRC matches their connection's nick!user@host.", true),
      banInMatrix: bool.withDefault(
        "Make the removal for an IRC ban (channelBan, or a JOIN refused as banned) a Matrix ban of the user in the room, so that they cannot rejoin it even for a moment while the IRC ban stands. Lifted when the bridge hears a -b that matches them, or when they get back into the channel with !join.",
        true,
      ),
    },
  ),
  sendSuccessNotices: bool.withDefault(
    "Tell users in their admin room when things went as asked: \"Connected to <network> as <nick>\" on a first connection with the nick they asked for, \"Identified to <network> as <account>\". Off: no admin room is created (and no homeserver request made) for a success. What users must know is always told, whatever this says: a refusal, a connection lost for longer than a blip (and its return), a nick other than the one asked for (and why), a failed login, a server error. (The incumbent bridge's sendConnectionMessages switches all of these; here only the successes.)",
    false,
  ),
  topicSync: obj("Which rooms get the IRC topic.", {
    mappedRooms: bool.withDefault("Also set the IRC topic as the topic of statically mapped rooms (portal rooms always get it).", false),
  }),
  rawCommands: obj("What users may send through their own IRC connection with the admin room's !cmd.", {
    allowed: stringList("IRC commands").withDefault(
      "Commands any user may send with !cmd (case does not matter). Commands the bridge manages (NICK, JOIN, PART, QUIT...) cannot be listed.",
      ["MODE", "TOPIC", "INVITE", "KICK", "AWAY", "WHO", "NAMES", "LIST", "NOTICE", "PRIVMSG", "WHOWAS", "ISON", "USERHOST", "MOTD", "VERSION", "TIME", "INFO", "LUSERS", "ADMIN"],
      { refine: commandWords },
    ),
    privileged: stringList("IRC commands").withDefault(
      "Commands only bridge administrators (bridge.admins) may send with !cmd, even if they are also in allowed.",
      ["OPER", "KILL", "SAJOIN", "SAPART", "SANICK", "GLINE", "KLINE", "ZLINE", "DLINE", "SHUN", "REHASH", "DIE", "RESTART", "WALLOPS", "SQUIT", "CONNECT"],
      { refine: commandWords },
    ),
    serviceNicks: stringList("nicks").withDefault(
      "Nicks that !cmd PRIVMSG and NOTICE may be sent to, besides channels the user is in: the network's services.",
      ["NickServ", "ChanServ", "MemoServ", "OperServ", "HostServ", "BotServ", "Global"],
      { refine: (v) => (v.every((n) => /^[^\s,:#&!+@][^\s,]*$/.test(n)) ? undefined : "each entry must be a nick (no spaces, commas or channel prefix)") },
    ),
  }),
});

const LIST_ROOM = /^[!#][^:\s]+:\S+$/;

const patterns = (doc: string) => stringList("patterns").withDefault(doc, [], { refine: patternListProblem });

const accessSchema = obj(
  "Who may use the bridge, on every network. A pattern is a glob (* any characters, ? one; the whole text, any case), or a regular expression written /.../ (flags after the closing slash, e.g. /^@bot-/i). A refused user gets no IRC connection and is told why; deny wins over allow.",
  {
    allowedUsers: patterns(
      "Matrix user ids that may use the bridge, e.g. \"@*:example.org\". With allowedUsers and allowedServers both empty, everyone may (unless denied); otherwise only users matching one of either.",
    ),
    allowedServers: patterns("Homeservers whose users may use the bridge (the server name after the ':' of a user id), e.g. \"example.org\" or \"*.example.org\"."),
    deniedUsers: patterns("Matrix user ids that may not use the bridge, e.g. \"@*:evil.example\" or \"/^@spam[0-9]+:/\". Wins over the allow lists."),
    deniedServers: patterns("Homeservers whose users may not use the bridge, e.g. \"evil.example\" or \"*.evil.example\". Wins over the allow lists."),
    excludedUsers: patterns(
      "Matrix users never bridged at all (other bridges' bots, say): no IRC connection, no admin room, their messages and joins are ignored without a word.",
    ),
    banLists: obj(
      "Moderation policy lists (m.policy.rule rooms, as Mjolnir, Draupnir and Meowlnir publish them) the bridge follows: users banned by a user or server rule with the recommendation m.ban get no connection, and their connection is closed when the rule arrives; each is told why.",
      {
        rooms: stringList("room ids or aliases").withDefault("The list rooms (ids or aliases). The bridge bot joins each one: invite it first if the room is not public.", [], {
          refine: (v) => {
            const bad = v.find((r) => !LIST_ROOM.test(r));
            return bad === undefined ? undefined : `each entry must be a room id or alias such as !abc:example.org or #bans:example.org, got ${JSON.stringify(bad)}`;
          },
        }),
      },
    ),
  },
);

export const configSchema = obj("Matrix <-> IRC bridge configuration.", {
  homeserver: obj("The Matrix homeserver the bridge serves.", {
    url: str.required("URL the bridge uses to reach the homeserver's client-server API.", "http://localhost:8008", { refine: httpUrl }),
    domain: str.required("The homeserver's server name (the part after ':' in user ids).", "localhost"),
    maxQueuedPerRoom: int(10, 1000000).withDefault(
      "Operations that may wait per room for the homeserver (IRC messages, kept on disk across restarts; ghosts joining and leaving; topics; notices), e.g. while it is unreachable. Beyond this they are dropped and, once the room's queue drains, a notice in the room says how many (and, for messages, when). Changes that keep a room private (join rules, kicks, power levels) are never dropped.",
      10000,
    ),
  }),
  ghosts: obj("Ghost users (IRC users as Matrix users): how many the bridge remembers and how fast it registers new ones.", {
    maxCached: int(100, 10_000_000).withDefault(
      "Ghosts whose registration and displayname the bridge remembers, and (separately) ghost room memberships; beyond this the least recently used are forgotten and asked of the homeserver again when needed, so memory does not grow with every IRC user seen.",
      10000,
    ),
    registrationsPerSecond: num(0.01, 10000).withDefault(
      "New ghost accounts registered per second, sustained. Beyond it ghosts wait their turn, first come first served, never dropped (ircbridge_ghost_registrations_waiting shows how many).",
      50,
    ),
    registrationBurst: int(1, 100000).withDefault("New ghost accounts that may be registered at once after a quiet spell (a big channel's members when it is first bridged).", 500),
  }),
  bridge: obj("The application service itself.", {
    id: str.withDefault("Application service id written to the registration.", "ircbridge"),
    host: str.withDefault("Address the bridge listens on for the homeserver.", "127.0.0.1"),
    port: int(1, 65535).withDefault("Port the bridge listens on for the homeserver (the command line's -p overrides it).", 9995),
    maxTxnSize: int(1024, 1_000_000_000).withDefault(
      "Largest request body, in bytes, the bridge's HTTP listeners (the homeserver's transactions, metrics) accept; a larger one is answered 413. The default fits a Synapse transaction of 100 events and 50 ephemeral events of 64 KiB each.",
      10_000_000,
    ),
    botLocalpart: str.withDefault("Localpart of the bridge bot's Matrix user.", "ircbridge", {
      refine: (v) => (LOCALPART.test(v) ? undefined : "must be a lower-case localpart (a-z 0-9 . _ = - /)"),
    }),
    passwordKeyFile: str.optional(
      "File with the key that seals the IRC passwords users store with !storepass: 32 random bytes as 64 hex characters (node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\" > passkey). Keep it private and backed up. Without it, !storepass is refused.",
      "./passkey",
    ),
    admins: stringList("Matrix user ids").withDefault("Bridge administrators: Matrix users who may run the admin-only commands in their admin room.", [], {
      refine: (v) => (v.every((u) => USER_ID.test(u)) ? undefined : "each entry must be a Matrix user id such as @alice:example.org"),
    }),
  }),
  access: accessSchema,
  mediaProxy: obj(
    "Links IRC users can open for Matrix files, images, audio, video and long messages: the bridge serves them itself, on its appservice listener under /_ircbridge/media/, fetching each file through the homeserver's authenticated media API. A link is signed and expires; no Matrix login is needed to open it.",
    {
      publicUrl: str.optional(
        "Base URL at which IRC users reach the bridge's listener (a reverse proxy, say). Default: the bridge's URL in its registration (the -u given with -r), so links work wherever that URL is reachable.",
        "https://bridge.example.org",
        { refine: httpUrl },
      ),
      ttlSeconds: int(60, 365 * 86400).withDefault("How long a link works after it was made (the default is a week: links are read in scrollback and logs, not only as they arrive).", 7 * 86400),
      maxBytes: int(1024, 100 * 1024 * 1024 * 1024).withDefault("Largest file the bridge serves, in bytes; a larger one is refused (413) or cut off.", 50 * 1024 * 1024),
      signingKeyPath: str.optional(
        "File with the key that signs the links, made on first start (mode 0600) when missing. Default: media-signing.key in datastore.path (with no datastore.path, a new key each start). Deleting it revokes every link.",
        "./data/media-signing.key",
      ),
    },
  ),
  datastore: obj("Where the bridge keeps its state.", {
    engine: oneOf(["nedb", "postgres"] as const).withDefault(
      "\"nedb\": files under path (embedded, the default); \"postgres\": a PostgreSQL database (connectionString), for larger bridges. The journals of messages on their way stay files under path either way.",
      "nedb",
    ),
    path: str.optional("Directory for the NeDB files and the journals. Leave unset to keep everything in memory (tests only: state is lost on exit).", "./data"),
    connectionString: str.optional("With engine postgres: the database, as postgresql://user:password@host:port/database (never logged). The bridge creates its tables (ircbridge_*) on first start.", "postgresql://ircbridge@localhost/ircbridge", {
      refine: (v) => (/^postgres(ql)?:\/\//.test(v) ? undefined : "must start with postgresql:// (or postgres://)"),
    }),
  }),
  // helper connector: the connection process's top-level key (issue 14 item 4) goes here
  connectionProcess: obj(
    "Connection processes: the IRC connections live in separate processes (npm run connector) that the bridge talks to through Redis streams, so a restart or upgrade of the bridge causes no QUIT or JOIN on IRC, and what IRC said meanwhile is delivered after it. Several connection processes share a network's users. Off: the bridge holds its connections itself (small deployments).",
    {
      enabled: bool.withDefault("Hold the IRC connections in connection processes (start at least one: npm run connector -- -c config.yaml).", false),
      redisUrl: str.withDefault("Redis the bridge and the connection processes share, as redis://host:port (or rediss:// with TLS; a password as redis://:password@host:port, never logged). Keep it private: lines and client certificates cross it.", "redis://127.0.0.1:6379", {
        refine: (v) => (/^rediss?:\/\/[^\s]+$/.test(v) ? undefined : "must be a redis:// or rediss:// URL"),
      }),
      streamPrefix: str.withDefault("Prefix of the Redis keys and streams (one per bridge: two bridges on one Redis need two prefixes).", "ircbridge", {
        refine: (v) => (/^[A-Za-z0-9_.:-]{1,64}$/.test(v) ? undefined : "must be 1 to 64 letters, digits or _ . : -"),
      }),
      openTimeoutSeconds: int(1, 3600).withDefault("How long the bridge waits for a connection process to take a new connection before it counts as failed (and is tried again).", 30),
      leaseSeconds: int(2, 3600).withDefault("A connection process renews its lease in Redis every third of this; when it stops renewing, the bridge counts its connections as lost and opens them again elsewhere.", 15),
    },
  ),
  // helper migrate: any top-level key for migrate-store (issue 14 item 3) goes here
  logging: obj("Logging, to stderr (and a file if set). SIGHUP applies changes here without a restart.", {
    level: oneOf(["error", "warn", "info", "debug"] as const).withDefault("Least severe level written.", "info"),
    format: oneOf(["text", "json"] as const).withDefault("\"text\": time, level, message and key=value fields on one line; \"json\": one JSON object per line (for log collectors).", "text"),
    file: str.optional("Also write logs to this file.", "./bridge.log"),
    fileMaxBytes: int(0, 1099511627776).withDefault("Rotate the file when it reaches this many bytes: bridge.log becomes bridge1.log, bridge1.log becomes bridge2.log, and so on; the newest lines are always in the file itself (0: never rotate).", 104857600),
    fileMaxFiles: int(2, 1000).withDefault("Files kept in all, the current one included; the oldest is deleted.", 5),
  }),
  metrics: obj("Prometheus metrics, served on /metrics.", {
    enabled: bool.withDefault("Serve metrics.", true),
    host: str.withDefault("Address of the metrics listener (keep it private).", "127.0.0.1"),
    port: int(1, 65535).withDefault("Port of the metrics listener.", 9102),
  }),
  ident: obj("An ident server (RFC 1413): IRC servers that ask who owns a connection are told the Matrix user's own username, so staff see who is who.", {
    enabled: bool.withDefault("Run the ident server.", false),
    port: int(1, 65535).withDefault("Port it listens on (IRC servers ask port 113; below 1024 needs privileges).", 113),
    address: str.withDefault("Address it listens on (\"::\" is every IPv4 and IPv6 address).", "::"),
  }),
  provisioning: obj("Linking Matrix rooms to IRC channels at runtime, with the consent of a channel operator: the provisioning HTTP API (under /_matrix/provision on the bridge's port) and the room commands (!irc link).", {
    enabled: bool.withDefault("Serve the provisioning HTTP API.", false),
    secret: str.optional("Shared secret integrations present as a Bearer token to the provisioning API (never logged). Required when enabled.", "a-long-random-secret", { secret: true }),
    requestTimeoutSeconds: int(10, 86400).withDefault("How long a channel operator has to answer a link request with yes; silence refuses it.", 300),
    openIdDisallowedIpRanges: stringList("IP ranges such as 10.0.0.0/8").withDefault(
      "Widgets sign in with an OpenID token of their homeserver (POST /_matrix/provision/v1/exchange_openid), which the bridge checks with that server: it never contacts a server that resolves into one of these ranges (the default: private, loopback, link-local and reserved ranges). Servers in openIdOverrides are not checked.",
      DEFAULT_DISALLOWED_IP_RANGES,
      { refine: (v) => v.map(rangeProblem).find((p) => p !== undefined) },
    ),
    openIdOverrides: map(
      "Matrix server names whose OpenID tokens are checked at the given base URL instead of the server found by server discovery (.well-known/matrix/server, SRV, port 8448), e.g. `localhost: \"http://127.0.0.1:8008\"` for a homeserver without a federation listener; the server must serve the `openid` resource there. For testing and private deployments.",
      { expected: "a Matrix server name such as example.org", accepts: (k) => parseServerName(k) !== undefined },
      str.required("Base URL at which this server answers /_matrix/federation/v1/openid/userinfo.", "http://127.0.0.1:8008", { refine: overrideProblem }),
      {},
    ),
    openIdSessionLifetimeSeconds: int(60, 31 * 86400).withDefault(
      "How long a provisioning session opened with an OpenID token lasts; the widget then signs in again. Sessions also end when the bridge restarts.",
      86400,
    ),
    unlinkGhostsLeave: bool.withDefault("When a link (or a portal) is ended, the IRC users' ghosts leave the Matrix room (through its queue, one at a time). Off: they stay, silent, as a record of who was there.", true),
    maxPendingPerChannel: int(1, 1000).withDefault("Link requests waiting for an operator's answer, per IRC channel, at most; more are refused (429) until one is answered.", 3),
    maxPendingPerUser: int(1, 1000).withDefault("Link requests waiting for an operator's answer, per Matrix user asking, at most; more are refused (429).", 3),
    roomLimit: int(1, 10000000).optional("Bridged rooms (of every kind) at most; a link request beyond it is refused. Unset: no limit. GET /limits reports it.", 500),
    requestsPerMinute: int(1, 100000).withDefault("Provisioning API requests per minute per requester (user_id, else the caller's address) at most; more are answered 429.", 30),
  }),
  ircNetworks: list("The IRC networks this bridge connects to.", networkSchema, {
    minItems: 1,
    example: [
      {
        id: "example",
        name: "Example IRC",
        address: "irc.example.org",
      },
    ],
  }),
});

export type BridgeConfig = Infer<typeof configSchema>;
export type NetworkConfig = BridgeConfig["ircNetworks"][number];
