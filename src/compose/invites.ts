/**
 * IRC INVITEs of the users' puppets, wired (fromIrc/invite.ts decides): each puppet connection's
 * own INVITEs go to the handler, its JOINs mark an invite used, and its reconnects find the invites
 * IRC forgot with the old connection (rooms/pendingInvites.ts).
 *
 * After a reconnect, an invite the user had not used yet is gone on IRC. If the bridge's IRC bot is
 * an operator of the channel (it is the channel's custodian, and an operator already let this user
 * in), the bot INVITEs the puppet again and the user notices nothing; otherwise the user is told in
 * their admin room whom to ask for a new invite (the Matrix invite stays, for when they have one).
 */
import { errorText } from "../errors";
import { replyGate } from "../fromIrc/ctcpVersion";
import { handleInvite, type InviteContext } from "../fromIrc/invite";
import { inviteRequest } from "../irc/channelRequests";
import type { ConnectionEvents, IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { ChannelOps } from "../rooms/channelOps";
import { InviteLimits } from "../rooms/inviteLimits";
import { PendingInvites, type PendingInvite } from "../rooms/pendingInvites";
import type { Portals } from "../rooms/portals";
import { roomInvites } from "../rooms/roomInvites";
import type { RoomIndex } from "../rooms/roomIndex";

/** A puppet answers inviters (refusals only) at most this often. */
const ANSWER_INTERVAL_MS = 10000;

/** The part of a user's connection the invites use. */
export interface InvitedConnection {
  readonly nick: string;
  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): unknown;
  same(a: string, b: string): boolean;
  say: IrcConnection["say"];
  join: IrcConnection["join"];
}

/** The part of a network's bridge (NetworkBridge) the invites need. */
export interface InviteNetwork {
  readonly network: NetworkContext;
  /** The bridge's IRC bot, when the network has one. */
  readonly bot: { readonly connection: Pick<IrcConnection, "isRegistered" | "nick" | "request"> } | undefined;
  /** Saves the user's channels (after the puppet joined one). */
  persist(userId: string): void;
}

export interface InvitesDeps {
  readonly portals: Pick<Portals, "forChannel">;
  readonly rooms: RoomIndex;
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly channelOps: ChannelOps;
  readonly notify: (userId: string, text: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface Invites {
  /** Wires a user's new puppet connection (NetworkBridgeDeps.attached). */
  attach(net: InviteNetwork, connection: InvitedConnection, userId: string): void;
}

export function ircInvites(deps: InvitesDeps): Invites {
  const log = deps.log.child({ module: "invites" });
  const now = () => deps.clock.now();
  const limits = new InviteLimits(now);
  const pending = new PendingInvites(now);
  const roomsView = roomInvites(deps.api, deps.botUserId, log);
  const contexts = new Map<string, InviteContext>();
  const contextOf = (network: NetworkContext): InviteContext => {
    let ctx = contexts.get(network.id);
    if (ctx === undefined) {
      ctx = {
        network,
        roomsOf: (channel) => deps.rooms.roomsFor(network.id, network.channels.fold(channel)),
        portal: (channel) => deps.portals.forChannel(network.id, channel),
        roomFor: (roomId, userId) => roomsView.roomFor(roomId, userId),
        inviteToRoom: (roomId, userId) => roomsView.inviteToRoom(roomId, userId),
        take: (userId) => limits.take(userId),
        remember: (userId, channel, invite) => pending.add(`${network.id}\0${userId}`, network.channels.fold(channel), invite),
        notify: deps.notify,
        now,
        log,
      };
      contexts.set(network.id, ctx);
    }
    return ctx;
  };

  /** The invite is gone with the old connection: the bot invites again if it can, else the user is told. */
  const regain = async (net: InviteNetwork, connection: InvitedConnection, userId: string, invite: PendingInvite): Promise<void> => {
    const { network } = net;
    const bot = net.bot?.connection;
    const fields = { user: userId, network: network.id, channel: invite.channel };
    if (bot !== undefined && bot.isRegistered && deps.channelOps.isOp(network.id, invite.channel, bot.nick)) {
      const reply = await bot.request(inviteRequest(connection.nick, invite.channel));
      if (reply.kind === "ok") {
        pending.add(`${network.id}\0${userId}`, network.channels.fold(invite.channel), invite);
        log.info("the IRC bot invited a reconnected puppet again", fields);
        return;
      }
      log.info("the IRC bot could not invite a reconnected puppet again", { ...fields, reply: reply.kind === "error" ? reply.numeric : reply.kind });
    }
    const nick = connection.nick;
    deps.notify(
      userId,
      `Your connection to ${network.name} was made again, and IRC forgets invites with the connection: ${invite.by}'s invite to ${invite.channel} no longer lets you in. ` +
        `Ask ${invite.by} to invite you again (/invite ${nick} ${invite.channel}); the Matrix invite stays for when they have.`,
    );
  };

  return {
    attach(net, connection, userId) {
      const { network } = net;
      const key = `${network.id}\0${userId}`;
      const mayAnswer = replyGate(now, ANSWER_INTERVAL_MS);
      connection.on("invite", (e) =>
        handleInvite(
          {
            userId,
            ownNick: connection.nick,
            e,
            same: (a, b) => connection.same(a, b),
            answer: (text) => {
              if (!mayAnswer()) return false;
              const sent = connection.say("notice", e.by, text);
              if (sent !== false) sent.catch(() => undefined);
              return sent !== false;
            },
            join: (channel) => {
              connection.join(channel);
              net.persist(userId);
            },
          },
          contextOf(network),
        ),
      );
      connection.on("join", (e) => {
        if (connection.same(e.nick, connection.nick)) pending.used(key, network.channels.fold(e.channel));
      });
      connection.on("registered", (_nick, _note, again) => {
        if (!again) return;
        for (const invite of pending.lost(key)) {
          regain(net, connection, userId, invite).catch((err: unknown) => log.error("cannot regain an IRC invite after a reconnect", { user: userId, error: errorText(err) }));
        }
      });
    },
  };
}
