/**
 * One IRC connection (a Matrix user's puppet or the bridge bot), wrapping irc-framework: the only
 * file that imports it. Transport only: it reports what the server said as typed events and writes
 * what it is told to, through its paced queue (see pacedQueue.ts) and the safe line builder.
 */
import { eventForwarder, optStr, str, type ForwardedEvents, type Raw } from "./clientEvents";
import { DispatchingClient, rawOf } from "./dispatchingClient";
import { ServerFacts } from "./serverFacts";
import { EchoWaiter } from "./echoWaiter";
import { afterRegistering } from "./afterRegistering";
import { clientOptions } from "./clientOptions";
import { EndpointRotation, serverEndpoints } from "./endpoints";
import { buildLine } from "./lines";
import { sayPlan, type SayOptions } from "./outgoingLines";
import { batchLimits } from "./multilineOut";
import { queueSay } from "./sayQueue";
import { tagmsgLine, TypingNotes } from "./typingNotes";
import type { Tags } from "./events";
import { PacedQueue, systemClock, type Clock } from "./pacedQueue";
import { nickRefusals, NickChoice } from "./nickChoice";
import { ChannelList } from "./channelList";
import { foldCase } from "./casemapping";
import { parseIrcLine } from "./ircLine";
import { lineMatters } from "./lineInterest";
import { reconnectDelay } from "./reconnectDelay";
import { shareCommandHandlers } from "./sharedHandlers";
import { lineSkipper, watchersWaitFor } from "./heardElsewhere";
import { ConnectAttempt } from "./connectAttempt";
import { PendingRequests, REQUEST_TIMEOUT_MS, type IrcReply, type IrcRequest } from "./requests";
import type { ClientCertificatePem, ConnectionIdentity, ConnectionOptions, Credentials, SocketPair } from "./connectionTypes";
import { followLogin } from "./saslLogin";
import { refusalIn } from "./serverWords";
import { refusalHandler } from "./refusalEvents";
import { PendingJoins } from "./joinRefusals";
import { shared } from "../util/keptStrings";
import { letGo, quitAndLetGo } from "./letGo";

export type { ChannelKeyBook, ConnectGate, ConnectionEvents, ConnectionIdentity, ConnectionOptions, Credentials, SocketPair, WebircLine } from "./connectionTypes";

/**
 * How long a written line waits for its echo. A server that drops a line silently (spam filter, an unknown
 * error numeric) must not hold the channel's order forever: written to a live socket, it then counts as sent.
 */
const ECHO_TIMEOUT_MS = 10000;

export class IrcConnection extends ServerFacts {
  readonly id: string;
  private readonly queue: PacedQueue;
  /** See whenGone. */
  private gone: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private state: "idle" | "connecting" | "registered" | "waiting" | "closed" = "idle";
  private lastError: string | undefined;
  /** Why the socket last closed (shown while reconnecting). */
  private lastLoss: string | undefined;
  /** Where this attempt connects (TLS where an STS policy holds) and what it learnt about TLS. */
  private attempt: ConnectAttempt | undefined;
  /** The nick asked for, and the fallbacks while registering (nickChoice.ts). */
  private readonly nicks = new NickChoice(() => this.nicklen);
  private requestedNick: string | undefined;
  private username = "";
  private attempts = 0;
  private everRegistered = false;
  private registeredAt: number | undefined;
  private auth: Credentials | undefined;
  private certificate: ClientCertificatePem | undefined;
  /** SASL was not possible on this connection: identify to NickServ once registered. */
  private identifyAfterRegistering = false;
  private readonly echoes = new EchoWaiter();
  /** Commands waiting for the server's answer (see request). */
  private readonly requests: PendingRequests;
  private labels = 0;
  /** Channels this connection should be in, rejoined after every reconnect, with their keys (channelList.ts). */
  private readonly channels: ChannelList;
  /** Both ends of the socket while it is open (what the bridge's ident server looks up). */
  private pair: SocketPair | undefined;
  /** JOINs written and not answered yet, to tell their refusals apart (see joinRefusals.ts). */
  private readonly joins = new PendingJoins((name) => foldCase(name, this.casemapping), () => this.clock.now());
  /** The server line being handled answered a request, or refused one of our JOINs (reported as joinRefused). */
  private lineAnswered = false;
  /** Where this connection said it is typing (+typing: fromMatrix/typing.ts), forgotten when the socket drops. */
  readonly typingNotes = new TypingNotes();
  /** Which of the network's addresses the next attempt dials (endpoints.ts). */
  private readonly endpoints: EndpointRotation;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.id = options.id;
    this.clock = options.clock ?? systemClock;
    this.queue = new PacedQueue(options.pacing, (line) => this.write(line), this.clock);
    this.requests = new PendingRequests(this.clock);
    this.channels = new ChannelList(options.keys, (name, inList) => this.emit("channelListed", name, inList));
    this.endpoints = new EndpointRotation(serverEndpoints(options.server), options.server.lastGood);
  }

  get nick(): string {
    return this.client?.user.nick ?? this.nicks.wanted;
  }

  /** NICKLEN for the alternatives to a nick in use: the network's server's (options.nicklen), else the RFC's 30. */
  private get nicklen(): number {
    return this.options.nicklen?.() ?? 30;
  }

  /** The username (ident) this connection registers with. */
  get ident(): string {
    return this.username;
  }

  /** Both ends of the TCP connection, once it is open and until it closes. */
  get socketPair(): SocketPair | undefined {
    return this.pair;
  }

  get isRegistered(): boolean {
    return this.state === "registered";
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** Why this connection is not registered right now (for the user whose messages wait). */
  get downReason(): string | undefined {
    if (this.state === "registered") return undefined;
    if (this.state === "closed") return "the connection is closed";
    const held = this.options.gate.holdReason;
    const last = this.lastLoss === undefined ? "" : ` (last error: ${this.lastLoss})`;
    if (held !== undefined) return `${held}${last}`;
    return this.everRegistered ? `reconnecting to the IRC server${last}` : "connecting to the IRC server";
  }

  /** Lines waiting to be written: how many, and (queuedLines) which, in order. */
  get queued(): number {
    return this.queue.length;
  }
  get queuedLines(): readonly string[] {
    return this.queue.lines;
  }

  /** Channels this connection is in or rejoining: with their keys, as written, and how many (no list built). */
  get channelEntries(): { readonly name: string; readonly key: string | undefined }[] {
    return this.channels.entries();
  }
  get channelNames(): string[] {
    return this.channels.entries().map((c) => c.name);
  }
  get channelCount(): number {
    return this.channels.size;
  }

  /**
   * Our `nick!user@host` as others on the server see it, once the server told us (the echo of our
   * first JOIN carries it; a 396 after a cloak or vhost updates the host). Undefined before that.
   */
  get hostmask(): string | undefined {
    return this.view.hostmask(this.nick);
  }

  /**
   * Sets the nick, username and credentials, then connects (lines queued before now are kept, in
   * order). A client certificate is presented on TLS with SASL EXTERNAL; credentials are used for
   * SASL PLAIN where the server offers it, else NickServ IDENTIFY once registered (saslLogin.ts).
   */
  start(identity: ConnectionIdentity): void {
    this.nicks.prefer(identity.nick);
    this.username = identity.username;
    this.auth = identity.auth;
    this.certificate = identity.certificate;
    this.waitTurn(0, false);
  }

  /** Asks the network's connect scheduler for a turn. */
  private waitTurn(delayMs: number, reconnect = true): void {
    this.state = "waiting";
    this.options.gate.request(this.id, { go: () => this.connect(), priority: this.options.priority }, delayMs, reconnect);
  }

  private connect(): void {
    if (this.state !== "idle" && this.state !== "waiting") return;
    this.state = "connecting";
    this.registeredAt = undefined;
    this.lastError = undefined;
    this.nicks.beforeConnect();
    // The address this attempt dials (endpoints.ts), upgraded to TLS where an STS policy holds (connectAttempt.ts).
    this.attempt = ConnectAttempt.plan(this.options.server, this.endpoints.current());
    const endpoint = this.attempt.endpoint;
    // A client certificate goes only where TLS carries it (clientOptions.ts).
    const certificate = endpoint.tls ? this.certificate : undefined;
    const registered = (): boolean => this.client === client && this.state === "registered";
    const skipLine = lineSkipper(this.options.heardElsewhere, { isMe: (nick): boolean => this.same(nick, client.user.nick), isChannel: (name) => this.isChannelName(name), waitingFor: (command) => watchersWaitFor(command, { joins: this.joins.waiting, requests: this.requests.waiting }), closed: () => this.state === "closed" || this.client !== client }, this.options.namesElsewhere);
    const client: DispatchingClient = new DispatchingClient(clientOptions(this.options, endpoint, { nick: this.nicks.wanted, username: this.username, auth: this.auth, certificate }, { skipLine, registered, mayPause: () => registered() && !this.echoes.pending && !this.joins.waiting && !this.requests.waiting }));
    shareCommandHandlers(client);
    this.identifyAfterRegistering = false;
    this.view.reset();
    this.support.reset();
    client.requestCap(["draft/chathistory", "chathistory", "labeled-response", "draft/multiline", "draft/message-redaction"]);
    this.client = client;
    this.listen(client, certificate);
    client.connect();
  }

  /** Joins now, and again after every reconnect. False when the queue is full. */
  join(channel: string, key?: string): boolean {
    const k = this.channels.join(channel, key);
    return this.send("JOIN", k === undefined ? [channel] : [channel, k]) !== false;
  }

  part(channel: string, reason: string): boolean {
    this.channels.forget(channel);
    return this.send("PART", [channel, reason]) !== false;
  }

  /** Adds a channel to those rejoined after a reconnect, without sending anything (the server joined us). */
  remember(channel: string, key: string | undefined): void {
    this.channels.remember(channel, key);
  }

  /** Forgets a channel without sending anything (we were kicked, or the server parted us). */
  forget(channel: string): void {
    this.channels.forget(channel);
  }

  /** Queues one command; false when the queue is full (the caller tells the user). */
  send(command: string, params: readonly string[]): Promise<void> | false {
    if (this.state === "closed") return false;
    return this.queue.push(buildLine(command, params));
  }

  /**
   * Queues a message (split into lines that fit, see outgoingLines.ts). Resolves when the server
   * confirmed every line (IRCv3 echo-message), with the msgid it gave the first line where it has
   * message-tags, or, on a server without echo, when every line was written to a live socket;
   * rejects with an IrcRefusal (see refusal.ts: its kind, and the server's reason) when the server
   * refused a line (cannot send to channel, no such nick, registered users only, caller id), when
   * the connection was lost first, or when a line was still waiting at `deadline` (see expire).
   * False, with nothing queued, when the queue cannot take all of it. Client tags are dropped where
   * the server has no message-tags.
   */
  say(kind: "privmsg" | "notice" | "action", target: string, body: string, deadline?: number, options: SayOptions = {}): Promise<string | undefined> | false {
    const tags = this.hasCap("message-tags") ? options.tags : undefined;
    // Several lines go as one draft/multiline batch where the server takes them (multilineOut.ts).
    const limits = this.hasCap("draft/multiline") ? batchLimits(this.client?.network.cap.available.get("draft/multiline"), this.options.pacing) : undefined;
    const multiline = limits === undefined ? undefined : { limits, batchId: `ml${(++this.labels).toString(36)}` };
    const plan = sayPlan(kind, target, body, { ...(tags === undefined ? {} : { tags }), ...(multiline === undefined ? {} : { multiline }) });
    if (plan.lines.length === 0) return Promise.resolve(undefined);
    if (this.state === "closed") return Promise.reject(new Error("the connection is closed"));
    return queueSay(plan, this.queue, this.options.pacing.maxQueuedLines, deadline, () => (this.hasCap("echo-message") ? this.echoes.wait(target, ECHO_TIMEOUT_MS) : Promise.resolve(undefined)));
  }

  /**
   * Queues a TAGMSG (client tags only: a reaction) where the server has message-tags and this
   * connection is registered; false when it was not queued.
   */
  tagmsg(target: string, tags: Tags): boolean {
    if (this.state !== "registered" || !this.hasCap("message-tags")) return false;
    return this.queue.push(tagmsgLine(target, tags)) !== false;
  }

  /** Gives up the lines whose deadline passed before they could be written (see say). */
  expire(): void {
    if (this.queue.length === 0) return;
    this.queue.expire(this.clock.now(), () => new Error(`it could not be written in time: ${this.downReason ?? "your connection is busy sending earlier lines"}`));
  }

  /** Asks for another nick, once: repeated requests for the nick already asked for are ignored. */
  requestNick(nick: string): void {
    if (nick === this.nick || nick === this.requestedNick) return;
    this.requestedNick = nick;
    void this.send("NICK", [nick]);
  }

  /** The nick to ask for at the next (re)connection (a live connection keeps its nick until then). */
  preferNick(nick: string): void {
    this.nicks.prefer(nick);
  }

  /**
   * Sends one command and waits for the server's answer (see requests.ts for how answers are
   * matched): labeled where the server has IRCv3 labeled-response, else by the request's
   * expectation. Resolves, never rejects: "lost" at once when the connection is not registered,
   * its queue is full, or it is lost before the answer; "timeout" after `timeoutMs` (default 10 s).
   * A request answered or timed out before its line was written takes the line back.
   */
  request(request: IrcRequest, options: { readonly timeoutMs?: number } = {}): Promise<IrcReply> {
    if (this.state !== "registered") return Promise.resolve({ kind: "lost", reason: this.downReason ?? "not connected", sent: false });
    // A labeled answer of several lines comes as a batch: without `batch` (InspIRCd without its
    // ircv3_batch module) the server drops the label of such an answer, so it is matched unlabeled.
    const labeled = request.expect.unlabeled !== true && this.hasCap("labeled-response") && this.hasCap("batch");
    return this.requests.send(request, this.queue, labeled ? `b${(++this.labels).toString(36)}` : undefined, options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  }

  /** Sends QUIT and closes for good; queued lines that were not written are rejected. */
  close(reason: string): void {
    if (this.state === "closed") return;
    const client = this.client;
    this.options.gate.cancel(this.id);
    this.state = "closed";
    this.pair = undefined;
    this.queue.clear(new Error(`connection closed: ${reason}`));
    this.echoes.failAll(`the connection was lost before the server confirmed the message (${reason})`);
    this.requests.failAll(`the connection was closed (${reason})`);
    if (client !== undefined) this.gone = quitAndLetGo(client, reason);
    this.emit("closed", { reason, fatal: false, willReconnect: false, throttled: false });
  }

  /** After `close`: resolves once the server closed the socket of the QUIT (quitAndLetGo). */
  whenGone(): Promise<void> {
    return this.gone;
  }

  /** Re-emits a translated irc-framework event (see clientEvents.ts). */
  private forward<K extends keyof ForwardedEvents>(event: K, ...args: Parameters<ForwardedEvents[K]>): void {
    this.emit(event, ...args);
  }

  private write(line: string): void {
    if (this.client === undefined || this.state !== "registered") throw new Error("not connected");
    this.client.raw(line);
    if (/^(@\S+ +)?JOIN /i.test(line)) this.joins.wrote(parseIrcLine(line));
  }

  private lost(client: DispatchingClient): void {
    if (client !== this.client || this.state === "closed") return;
    letGo(client);
    this.client = undefined;
    this.pair = undefined;
    if (this.attempt?.upgrading === true) {
      // IRCv3 sts: the same attempt goes on with TLS at once (its scheduler turn is still held).
      this.state = "waiting";
      return this.connect();
    }
    const reason = this.attempt?.reason(this.lastError) ?? this.lastError ?? "connection lost";
    this.lastLoss = reason;
    const refusal = refusalIn(reason);
    const now = this.clock.now();
    const wasRegistered = this.registeredAt !== undefined;
    this.queue.pause();
    this.joins.clear();
    this.typingNotes.clear();
    this.echoes.failAll(`the connection was lost before the server confirmed the message (${reason})`);
    this.requests.failAll(`the connection was lost (${reason})`);
    // Before registering, the next attempt dials the next address; only a round of failures is the network's.
    const untried = !wasRegistered && this.endpoints.failed();
    if (refusal !== undefined) this.options.gate.report(this.id, { kind: "throttled", reason, ...(refusal === "password" ? { cause: "server-password" as const } : {}) });
    else if (!wasRegistered) this.options.gate.report(this.id, untried ? { kind: "addressFailed", reason } : { kind: "unreachable", reason });
    if (refusal === "banned") {
      this.state = "closed";
      this.options.gate.cancel(this.id);
      this.queue.clear(new Error(`connection refused by the server: ${reason}`));
      this.emit("closed", { reason, fatal: true, willReconnect: false, throttled: false });
      return;
    }
    // Only a connection that keeps dropping soon after registering backs off on its own (reconnectDelay.ts).
    const { delayMs: delay, attempts } = reconnectDelay({ attempts: this.attempts, registeredAt: this.registeredAt, now }, this.options.reconnect);
    this.attempts = attempts;
    this.emit("closed", { reason, fatal: false, willReconnect: true, throttled: refusal === "throttled", passwordRefused: refusal === "password", tlsRefused: this.attempt?.tlsRefused === true });
    this.waitTurn(delay);
  }

  /**
   * The client's events, through one sink (dispatchingClient.ts): each handler gets every event and
   * acts on its own, in the order their listeners were registered before (the order matters where
   * two handle one event: the casemapping is learnt before "isupport" is told; a JOIN is told
   * before our own updates our channel list; a REDACT is read before refusals look at it).
   */
  private listen(c: DispatchingClient, certificate: ClientCertificatePem | undefined): void {
    const forward = eventForwarder(
      c,
      (event, ...args) => this.forward(event, ...args),
      (target, msgid) => this.echoes.settle(target, undefined, msgid),
      () => this.modeSpec,
    );
    const nick = nickRefusals(c, this.nicks, {
      registered: () => this.state === "registered",
      host: this.options.server.host,
      username: this.username,
      inUseWhileRegistered: (name) => this.emit("serverError", { error: "nick_in_use", reason: `the nick ${name} is already in use`, channel: undefined, attributed: false }),
    });
    const login = followLogin(c, { auth: this.auth, certificate: certificate !== undefined }, {
      loggedIn: (account, via) => c === this.client && this.emit("loggedIn", account, via),
      failed: (reason, cert) => c === this.client && this.emit("loginFailed", reason, cert),
      identifyAfterRegistering: () => (this.identifyAfterRegistering = true),
      registered: () => this.state === "registered",
    });
    const refusals = refusalHandler({
      settle: (target, refusal) => this.echoes.settle(target, refusal),
      refused: (refusal) => this.emit("refused", refusal),
      serverError: (e) => this.emit("serverError", e),
      closing: (reason) => (this.lastError = reason),
      answered: () => this.lineAnswered,
      isChannelName: (name) => this.isChannelName(name),
    });
    c.sink = (event, arg) => {
      if (event === "server options" && c === this.client) this.learnServerOptions(c);
      forward(event, arg);
      nick(event, arg);
      login(event, arg);
      refusals(event, arg);
      this.ownEvent(c, event, arg);
    };
  }

  /** What the connection itself does with its client's events (see listen). */
  private ownEvent(c: DispatchingClient, event: string, arg: unknown): void {
    switch (event) {
      case "registered":
        return this.registeredAs(c, rawOf(arg));
      case "join": {
        const e = rawOf(arg);
        if (c !== this.client || !this.same(str(e.nick), c.user.nick)) return;
        this.view.joined(optStr(e.ident), optStr(e.hostname));
        this.channels.joined(str(e.channel));
        return;
      }
      case "displayed host": {
        const e = rawOf(arg);
        const host = optStr(e.hostname);
        if (c === this.client && this.same(str(e.nick), c.user.nick) && host !== undefined) this.view.displayedHost(host);
        return;
      }
      case "raw":
        return this.heardLine(c, rawOf(arg));
      case "raw socket connected": {
        // The transport's socket (transport.ts): its addresses are read through its getters.
        const { localAddress, localPort, remoteAddress, remotePort } = rawOf(arg);
        if (c !== this.client) return;
        if (typeof localAddress === "string" && typeof localPort === "number" && typeof remoteAddress === "string" && typeof remotePort === "number") this.pair = { localAddress: shared(localAddress), localPort, remoteAddress: shared(remoteAddress), remotePort };
        return;
      }
      case "close":
        return this.lost(c);
      case "socket close":
        if (arg instanceof Error) this.lastError ??= arg.message;
        this.attempt?.socketClosed(arg);
        return;
      default:
        return;
    }
  }

  private registeredAs(c: DispatchingClient, e: Raw): void {
    if (c !== this.client) return;
    // irc-framework updates client.user.nick only after this event: take the nick from the event.
    const nick = str(e.nick) || c.user.nick;
    c.user.nick = nick;
    this.forgetCapValues(c);
    const again = this.everRegistered;
    this.everRegistered = true;
    this.registeredAt = this.clock.now();
    this.endpoints.registered();
    this.lastLoss = undefined;
    this.state = "registered";
    this.options.gate.report(this.id, { kind: "registered" });
    this.requestedNick = undefined;
    this.nicks.registered(nick);
    // Paced like everything else, ahead of anything queued while we were away (afterRegistering.ts).
    const first = afterRegistering({
      nick,
      again,
      channels: this.channels.entries(),
      storedKey: (channel) => this.options.keys?.get(channel),
      userModes: this.options.userModes,
      identify: this.identifyAfterRegistering ? this.auth : undefined,
    });
    if (first.length > 0) this.queue.pushFront(first);
    this.queue.resume();
    this.emit("registered", nick, this.nicks.note, again);
  }

  /** A line from the server, for the watchers that wait for answers (requests, our JOINs) and for sts. */
  private heardLine(c: DispatchingClient, e: Raw): void {
    if (c !== this.client || e.from_server !== true) return;
    this.lineAnswered = false;
    // Parsed again only when one of our watchers may act on it (lineInterest.ts).
    const raw = str(e.line);
    if (!lineMatters(raw, { joins: this.joins.waiting, requests: this.requests.waiting })) return;
    const line = parseIrcLine(raw);
    if (line === undefined) return;
    // IRCv3 sts while registering: this client is dropped at once, TLS goes on (later: from the next connection).
    if (this.attempt?.heard(line, this.state === "registered") === true) {
      c.quit("upgrading to TLS");
      return this.lost(c);
    }
    this.view.heard(line);
    const refusedJoin = this.joins.heard(line, c.user.nick);
    const answered = this.requests.heard(line, { me: c.user.nick, same: (a, b) => this.same(a, b) });
    this.lineAnswered = answered || refusedJoin !== undefined;
    if (refusedJoin === undefined) return;
    // Before joinRefused: its handler forgets the channel, and with it which key was used.
    if (refusedJoin.numeric === "475") this.channels.keyRefused(refusedJoin.channel);
    this.emit("joinRefused", { ...refusedJoin, answered });
  }
}
