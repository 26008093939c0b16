/**
 * The real-time session (docs/protocol.md): one WebSocket at a time to one of the gateways, as
 * a small explicit state machine that any UI can subscribe to.
 *
 * ```
 *                connect()                hello                 ready
 *  disconnected ─────────▶ connecting ─────────▶ identifying ─────────▶ connected
 *       ▲                      │                     │                      │
 *       └──────────────────────┴─────────────────────┴──────────────────────┘
 *                socket closed: reconnect after a delay chosen by close code
 *
 *  close(), or a login that is gone (4001 that a fresh token does not cure) ──▶ closed
 * ```
 *
 * It keeps the client's half of the protocol: identify with a token and every stored position
 * (`resume`); per room, drop duplicates and fill gaps (`Delivery`); persist positions
 * (`PositionStore`) and unacknowledged posts (`Outbox`, `OutboxStore`) so that a reload resumes
 * without loss and a post is applied exactly once; reconnect with backoff and jitter as the
 * close code says (`planForClose`), renewing the token on 4001; app-level pings and a dead-socket
 * watchdog; a typing throttle; `away` while the page is hidden; acknowledging what this device
 * received (`received`, coalesced: `DeliveryAcks`), so that authors see "delivered".
 */

import { DeliveryAcks } from "./acks";
import { Backoff, type BackoffOptions, smallJitter } from "./backoff";
import { ClientCloseCode, planForClose } from "./close";
import { type CommandBody, CommandQueue } from "./commands";
import {
  CloseCode,
  MAX_FRAME_BYTES,
  type AckFrame,
  type ClientFrame,
  type ErrorFrame,
  type EventFrame,
  type HelloFrame,
  type MessageId,
  type ReadyFrame,
  type ResumedFrame,
  type RoomId,
  type RoomSummary,
  type ServerFrame,
  type UploadId,
  type UserId,
} from "./contract";
import { Delivery, Positions } from "./delivery";
import { Emitter } from "./emitter";
import { ChatApiError } from "./errors";
import type { Closed, SessionEvents, SessionState } from "./events";
import { parseServerFrame } from "./frames";
import { type HistoryApi, type HistoryFill, fillFromHistory } from "./gapfill";
import { Outbox, type PostInput, type PostReceipt, type Settlement } from "./outbox";
import { MemoryOutboxStore, MemoryPositionStore, type OutboxStore, type PendingPost, type PositionStore } from "./stores";
import { OPEN, platformWebSocket, type WebSocketFactory, type WebSocketLike } from "./socket";
import { TypingThrottle, TypingTracker } from "./typing";
import { watchVisibility } from "./visibility";

/** What the session needs of the REST API (a `ChatApi` has it all). */
export interface SessionApi extends HistoryApi {
  /** A valid access token for `identify`. */
  accessToken(): Promise<string>;
  /** A new token after the gateway refused `rejected` (4001). Throws if the login is gone. */
  renewAccessToken(rejected: string): Promise<string>;
}

export interface SessionOptions {
  /** One gateway URL (`ws://…/v1/ws`, e.g. behind a load balancer) or several, tried in turn. */
  url: string | readonly string[];
  api: SessionApi;
  /** Where the last processed `seq` per room is kept (default: in memory). */
  positions?: PositionStore;
  /** Where unacknowledged posts are kept (default: in memory). */
  outbox?: OutboxStore;
  /** Opens sockets (default: the platform's `WebSocket`). */
  webSocket?: WebSocketFactory;
  /** Reconnect backoff after failures (default 500 ms doubling to 30 s, full jitter). */
  backoff?: BackoffOptions;
  /** The most a prompt reconnect (4008, 4009, 4001) waits (default 1000 ms). */
  promptJitterMs?: number;
  /** `hello` and `ready` must come within this long of opening (default 15 s). */
  connectTimeoutMs?: number;
  /** A socket that has said nothing for this many heartbeat intervals is dead (default 2). */
  deadAfterIntervals?: number;
  /** Posts in flight at once (default 32). */
  maxInFlightPosts?: number;
  /** How long a gap fill waits for the history read model to catch up (default 10 s). */
  gapFillWaitMs?: number;
  /** How long delivery acknowledgements are gathered before they go (default 250 ms). */
  ackIntervalMs?: number;
  /** Report `away` while `document` is hidden (default true; only where `document` exists). */
  trackVisibility?: boolean;
  /** Uniform in [0, 1) (tests). */
  random?: () => number;
}

interface Connection {
  socket: WebSocketLike;
  url: string;
  token: string;
  hello: HelloFrame | null;
  readyAt: number | null;
  lastFrameAt: number;
  connectTimer: ReturnType<typeof setTimeout> | null;
  heartbeat: ReturnType<typeof setInterval> | null;
}

export class ChatSession extends Emitter<SessionEvents> {
  private readonly options: SessionOptions;
  private readonly urls: readonly string[];
  private urlIndex = 0;
  private readonly api: SessionApi;
  private readonly openSocket: WebSocketFactory;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private readonly positionsStore: Positions;
  private readonly delivery: Delivery<HistoryFill>;
  private readonly outbox: Outbox;
  private readonly throttle = new TypingThrottle();
  private readonly typingShown = new TypingTracker();
  private readonly acks: DeliveryAcks;

  private current: SessionState = "disconnected";
  private connection: Connection | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** A token to renew before the next attempt (after a 4001). */
  private rejectedToken: string | null = null;
  /** 4001s in a row, with a fresh token each time. */
  private authFailures = 0;
  private me: UserId | null = null;
  private readyRooms: RoomSummary[] = [];
  private requestCounter = 0;
  private readonly commands = new CommandQueue();
  private away = false;
  private readonly stopWatchingVisibility: () => void;

  constructor(options: SessionOptions) {
    super();
    this.options = options;
    this.urls = typeof options.url === "string" ? [options.url] : [...options.url];
    if (this.urls.length === 0) throw new RangeError("ChatSession needs at least one gateway URL");
    this.api = options.api;
    const factory = options.webSocket ?? platformWebSocket();
    if (factory === null) throw new Error("no WebSocket on this platform: pass options.webSocket");
    this.openSocket = factory;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ random: this.random, ...options.backoff });
    this.positionsStore = new Positions(options.positions ?? new MemoryPositionStore());
    this.outbox = new Outbox(options.outbox ?? new MemoryOutboxStore(), {
      ...(options.maxInFlightPosts === undefined ? {} : { maxInFlight: options.maxInFlightPosts }),
      random: this.random,
    });
    this.delivery = new Delivery<HistoryFill>(this.positionsStore, {
      deliver: (frame) => this.deliver(frame),
      delivered: (frame) => this.delivered(frame),
      duplicate: (frame, position) => this.emit("duplicate", { frame, position }),
      fill: (roomId, after, before) => fillFromHistory(this.api, roomId, after, before, options.gapFillWaitMs ?? 10_000),
      filled: (fill) => this.emit("gap", fill),
      fillFailed: (roomId, after, before, error) =>
        this.emit("error", new Error(`could not fill the gap ${after + 1}..${before - 1} of room ${roomId}`, { cause: error })),
    });
    this.acks = new DeliveryAcks(
      (roomId, upToSeq) => this.send({ type: "received", id: RECEIVED_ID, room_id: roomId, up_to_seq: upToSeq }),
      options.ackIntervalMs,
    );
    this.stopWatchingVisibility =
      options.trackVisibility === false ? () => undefined : watchVisibility((hidden) => this.setAway(hidden));
  }

  // -- Public state ----------------------------------------------------------------------------

  get state(): SessionState {
    return this.current;
  }

  /** The user, once identified. */
  get userId(): UserId | null {
    return this.me;
  }

  /** The gateway of the current connection (`hello.gateway_id`). */
  get gatewayId(): string | null {
    return this.connection?.hello?.gateway_id ?? null;
  }

  /** The URL of the current (or last) connection. */
  get url(): string {
    return this.urls[this.urlIndex] ?? this.urls[0] ?? "";
  }

  /** The rooms of the last `ready` (for display; may trail reality, protocol.md §4 `ready`). */
  get rooms(): readonly RoomSummary[] {
    return this.readyRooms;
  }

  /** The last processed `seq` of a room. */
  position(roomId: RoomId): number | undefined {
    return this.positionsStore.get(roomId);
  }

  /** Every stored position. */
  positions(): Map<RoomId, number> {
    return new Map(this.positionsStore.entries());
  }

  /** Posts not acknowledged yet, oldest first (show them as "sending"). */
  pendingPosts(): PendingPost[] {
    return this.outbox.pending();
  }

  /** Who else is typing in a room. */
  typingUsers(roomId: RoomId): UserId[] {
    return this.typingShown.users(roomId);
  }

  /** Duplicates dropped so far. */
  get duplicatesDropped(): number {
    return this.delivery.duplicatesDropped;
  }

  // -- Lifecycle -------------------------------------------------------------------------------

  /** Starts connecting (and reconnecting, until `close()`). */
  connect(): void {
    if (this.current !== "disconnected" || this.reconnectTimer !== null) return;
    void this.open();
  }

  /** Closes for good. Unsent posts stay in the outbox store for the next session. */
  close(): void {
    if (this.current === "closed") return;
    this.finish({ reason: "closed_by_client", error: null });
  }

  // -- Sending ---------------------------------------------------------------------------------

  /**
   * Queues a post in the (persisted) outbox and sends it as soon as a connection allows, again
   * after every reconnect until the server has it, always with the same `client_msg_id`. The
   * promise settles when the server has it (or refuses it for good); `sent` and `postFailed`
   * say the same for posts queued before a reload.
   */
  post(
    roomId: RoomId,
    body: string,
    options: { replyTo?: MessageId | null; mentions?: UserId[]; attachments?: UploadId[] } = {},
  ): {
    post: PendingPost;
    settled: Promise<PostReceipt>;
  } {
    const input: PostInput = { roomId, body, ...options };
    const queued = this.outbox.enqueue(input);
    this.emit("outbox", this.outbox.pending());
    this.pump();
    return queued;
  }

  /** `edit` (not repeated after a lost connection: a repeated edit writes another event). */
  edit(roomId: RoomId, messageId: MessageId, body: string): Promise<AckFrame> {
    return this.command({ type: "edit", room_id: roomId, message_id: messageId, body });
  }

  deleteMessage(roomId: RoomId, messageId: MessageId): Promise<AckFrame> {
    return this.command({ type: "delete", room_id: roomId, message_id: messageId });
  }

  react(roomId: RoomId, messageId: MessageId, reaction: string): Promise<AckFrame> {
    return this.command({ type: "react", room_id: roomId, message_id: messageId, reaction });
  }

  unreact(roomId: RoomId, messageId: MessageId, reaction: string): Promise<AckFrame> {
    return this.command({ type: "unreact", room_id: roomId, message_id: messageId, reaction });
  }

  /** Read up to and including `upToSeq`. */
  markRead(roomId: RoomId, upToSeq: number): Promise<AckFrame> {
    return this.command({ type: "mark_read", room_id: roomId, up_to_seq: upToSeq });
  }

  /**
   * The user is typing in `roomId` (call on every keystroke: it is throttled to
   * `hello.typing_renew_ms`), or stopped (`false`, always sent). Answers whether a frame went.
   */
  typing(roomId: RoomId, typing = true): boolean {
    const connection = this.connection;
    if (this.current !== "connected" || connection?.hello == null) return false;
    if (!this.throttle.shouldSend(roomId, typing, connection.hello.typing_renew_ms)) return false;
    const id = TYPING_ID;
    return this.send(typing ? { type: "typing", id, room_id: roomId } : { type: "typing", id, room_id: roomId, typing: false });
  }

  /** Reports the user idle (`away`) or active again on this connection (and the next ones). */
  setAway(away: boolean): void {
    if (this.away === away) return;
    this.away = away;
    if (this.current === "connected") this.send({ type: "presence", status: away ? "away" : "online" });
  }

  // -- Connecting ------------------------------------------------------------------------------

  private async open(): Promise<void> {
    this.reconnectTimer = null;
    this.setState("connecting");
    let token: string;
    try {
      token = this.rejectedToken === null ? await this.api.accessToken() : await this.api.renewAccessToken(this.rejectedToken);
    } catch (error) {
      if (this.current === "closed") return;
      if (error instanceof ChatApiError && (error.authLost || error.status === 401)) {
        this.finish({ reason: "auth_lost", error });
        return;
      }
      // The API is unreachable: try again later, as for a failed connection.
      this.emit("error", error);
      this.scheduleReconnect(CloseCode.Abnormal, "token_unavailable", this.url);
      return;
    }
    if (this.current === "closed") return;
    const url = this.url;
    let socket: WebSocketLike;
    try {
      socket = this.openSocket(url);
    } catch (error) {
      this.emit("error", error);
      this.scheduleReconnect(CloseCode.Abnormal, "cannot_open", url);
      return;
    }
    const now = Date.now();
    const connection: Connection = {
      socket,
      url,
      token,
      hello: null,
      readyAt: null,
      lastFrameAt: now,
      connectTimer: null,
      heartbeat: null,
    };
    this.connection = connection;
    connection.connectTimer = setTimeout(() => this.abandon(connection, "connect_timeout"), this.options.connectTimeoutMs ?? 15_000);
    socket.onmessage = (event) => {
      if (this.connection !== connection) return;
      connection.lastFrameAt = Date.now();
      if (typeof event.data !== "string") {
        this.emit("error", new Error("a binary frame from the gateway"));
        return;
      }
      this.onFrame(connection, event.data);
    };
    socket.onclose = (event) => {
      if (this.connection !== connection) return;
      this.onClosed(connection, event.code, event.reason);
    };
    socket.onerror = ignore;
    socket.onopen = ignore;
  }

  private onFrame(connection: Connection, text: string): void {
    let frame: ServerFrame;
    try {
      frame = parseServerFrame(text);
    } catch (error) {
      this.emit("error", error);
      return;
    }
    switch (frame.type) {
      case "hello":
        return this.onHello(connection, frame);
      case "ready":
        return this.onReady(connection, frame);
      case "event":
        return this.delivery.receive(frame);
      case "resumed":
        return this.onResumed(frame);
      case "ack":
        return this.onAck(frame);
      case "error":
        return this.onError(frame);
      case "typing":
        if (this.typingShown.apply(frame.room_id, frame.user_id, frame.typing)) this.emit("typing", frame);
        return;
      case "presence":
        this.emit("presence", frame.users);
        return;
      case "receipt":
        if (frame.user_id === this.me) this.acks.recorded(frame.room_id, frame.delivered_seq);
        this.emit("receipt", frame);
        return;
      case "contacts":
        this.emit("contacts", frame);
        return;
      case "pong":
      case "reconnect":
        // A pong only proves the socket lives (lastFrameAt); `reconnect` is followed by 4009.
        return;
    }
  }

  private onHello(connection: Connection, hello: HelloFrame): void {
    if (connection.hello !== null) return;
    connection.hello = hello;
    this.setState("identifying");
    // Indicators from before cannot be trusted: their `false` may never come (protocol.md §6).
    for (const { roomId, userId } of this.typingShown.clearAll()) {
      this.emit("typing", { type: "typing", room_id: roomId, user_id: userId, typing: false });
    }
    this.throttle.reset();
    // 64 KiB minus the rest of the frame (token, keys) and some slack.
    const budget = MAX_FRAME_BYTES - connection.token.length - 256;
    this.send({ type: "identify", token: connection.token, resume: this.positionsStore.resumeMap(budget) });
    const interval = hello.heartbeat_interval_ms;
    const deadAfter = interval * (this.options.deadAfterIntervals ?? 2);
    connection.heartbeat = setInterval(() => {
      if (this.connection !== connection) return;
      if (Date.now() - connection.lastFrameAt > deadAfter) {
        this.abandon(connection, "heartbeat_missed");
        return;
      }
      this.send({ type: "ping", id: this.nextRequestId("h") });
    }, interval);
  }

  private onReady(connection: Connection, ready: ReadyFrame): void {
    if (connection.hello === null || connection.readyAt !== null) return;
    if (connection.connectTimer !== null) clearTimeout(connection.connectTimer);
    connection.connectTimer = null;
    connection.readyAt = Date.now();
    this.me = ready.user_id;
    this.readyRooms = ready.rooms;
    this.rejectedToken = null;
    this.authFailures = 0;
    // A room we have no position for is delivered from `last_seq + 1` (protocol.md §5.4).
    for (const room of ready.rooms) this.positionsStore.startAt(room.room_id, room.last_seq);
    const recorded = ready.rooms.map((room): [RoomId, number] => [room.room_id, room.delivered_seq]);
    this.acks.connected(recorded, this.positionsStore.entries());
    this.setState("connected");
    this.emit("ready", { frame: ready, hello: connection.hello, url: connection.url });
    if (this.away) this.send({ type: "presence", status: "away" });
    this.pump();
  }

  private onResumed(frame: ResumedFrame): void {
    if (frame.reason === "not_a_member") {
      this.positionsStore.forget(frame.room_id);
      this.acks.forget(frame.room_id);
    } else if (frame.reason === "unknown_position") {
      // Before the room's next event, which has a seq above `to_seq` (protocol.md §5.3).
      this.positionsStore.set(frame.room_id, frame.to_seq);
      this.acks.received(frame.room_id, frame.to_seq);
    }
    this.emit("resumed", frame);
  }

  private deliver(frame: EventFrame): void {
    const event = frame.event;
    if (event.type === "MessagePosted" && event.author === this.me) {
      this.settled(this.outbox.posted(frame.room_id, event.client_msg_id, event.message_id, frame.seq));
    }
    this.emit("event", frame);
  }

  /** After an event's position was stored. */
  private delivered(frame: EventFrame): void {
    const event = frame.event;
    if (event.type === "MemberLeft" && event.user_id === this.me) {
      // Our own MemberLeft is the room's last event for us (protocol.md §5.4): drop the room.
      this.positionsStore.forget(frame.room_id);
      this.acks.forget(frame.room_id);
      for (const userId of this.typingShown.clearRoom(frame.room_id)) {
        this.emit("typing", { type: "typing", room_id: frame.room_id, user_id: userId, typing: false });
      }
      return;
    }
    this.acks.received(frame.room_id, frame.seq);
  }

  // -- Answers ---------------------------------------------------------------------------------

  private onAck(ack: AckFrame): void {
    if (this.outbox.owns(ack.id)) {
      this.settled(this.outbox.acked(ack));
      this.pump();
      return;
    }
    this.commands.answer(ack.id, ack);
  }

  private onError(frame: ErrorFrame): void {
    const error = new ChatApiError({
      status: 0,
      code: frame.code,
      message: frame.message,
      field: frame.field,
      requestId: frame.id,
      retryAfterMs: frame.retry_after_ms ?? null,
    });
    if (frame.id !== null && this.outbox.owns(frame.id)) {
      this.settled(this.outbox.refused(frame.id, error));
      this.pump();
      return;
    }
    if (frame.id !== null && this.commands.answer(frame.id, error)) return;
    // Typing in a room whose delivery has not started yet (just joined, catch-up pending) is
    // refused with not_a_member, and a typing frame over the gateway's rate is dropped: both
    // are expected and harmless for an ephemeral indicator (protocol.md §6, §10).
    if (frame.id === TYPING_ID && (frame.code === "not_a_member" || frame.code === "rate_limited")) return;
    // Acknowledging a room left a moment ago (its MemberLeft not processed yet) likewise.
    if (frame.id === RECEIVED_ID && frame.code === "not_a_member") return;
    this.emit("error", error);
  }

  private settled(settlement: Settlement): void {
    switch (settlement.kind) {
      case "sent":
        this.emit("sent", settlement.receipt);
        this.emit("outbox", this.outbox.pending());
        return;
      case "failed":
        this.emit("postFailed", { post: settlement.post, error: settlement.error });
        this.emit("outbox", this.outbox.pending());
        return;
      case "retry":
        this.scheduleRetry();
        return;
      case "unknown":
        return;
    }
  }

  // -- Sending ---------------------------------------------------------------------------------

  /** Sends what can go: queued commands, then outbox posts. */
  private pump(): void {
    if (this.current !== "connected") return;
    for (const frame of this.commands.take(() => this.nextRequestId("c"))) this.send(frame);
    for (const { requestId, post } of this.outbox.take(() => this.nextRequestId("p"))) {
      this.send({
        type: "post",
        id: requestId,
        room_id: post.roomId,
        ...(post.body === "" && post.attachments.length > 0 ? {} : { body: post.body }),
        client_msg_id: post.clientMsgId,
        ...(post.replyTo === null ? {} : { reply_to: post.replyTo }),
        ...(post.mentions.length === 0 ? {} : { mentions: post.mentions }),
        ...(post.attachments.length === 0 ? {} : { attachments: post.attachments }),
      });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    const at = this.outbox.nextRetryAt();
    if (at === null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, Math.max(0, at - Date.now()));
  }

  private command(body: CommandBody): Promise<AckFrame> {
    if (this.current === "closed") return Promise.reject(new Error("the session is closed"));
    const answered = this.commands.add(body);
    this.pump();
    return answered;
  }

  private send(frame: ClientFrame): boolean {
    const socket = this.connection?.socket;
    if (socket === undefined || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  private nextRequestId(kind: string): string {
    this.requestCounter += 1;
    return `${kind}${this.requestCounter}`;
  }

  // -- Closing and reconnecting ----------------------------------------------------------------

  /** Gives up on a socket that stopped answering, without waiting for its closing handshake. */
  private abandon(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    try {
      // Node's `ws` can drop the TCP connection at once; a browser socket only closes.
      const socket = connection.socket as WebSocketLike & { terminate?: () => void };
      if (typeof socket.terminate === "function") socket.terminate();
      else socket.close(ClientCloseCode.Dead, reason);
    } catch {
      // Already closing.
    }
    this.onClosed(connection, ClientCloseCode.Dead, reason);
  }

  private onClosed(connection: Connection, code: number, reason: string): void {
    this.teardown(connection);
    if (this.current === "closed") return;
    const plan = planForClose(code);
    if (connection.readyAt !== null && Date.now() - connection.readyAt >= 5_000) {
      // The connection worked for a while: failures start from the base delay again.
      this.backoff.reset();
    }
    if (plan.renewToken) {
      this.authFailures += 1;
      if (this.authFailures >= 2) {
        // A fresh token was refused as well: a client bug or an erased account. Stop.
        this.emit("disconnected", { code, reason, url: connection.url, reconnectInMs: null });
        this.finish({ reason: "auth_lost", error: new Error(`the gateway refused a fresh token (close ${code})`) });
        return;
      }
      this.rejectedToken = connection.token;
    }
    if (plan.otherGateway) this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.scheduleReconnect(code, reason, connection.url, plan.delay);
  }

  private scheduleReconnect(code: number, reason: string, url: string, delay: "backoff" | "prompt" = "backoff"): void {
    const inMs = delay === "prompt" ? smallJitter(this.options.promptJitterMs ?? 1000, this.random) : this.backoff.next();
    this.setState("disconnected");
    this.emit("disconnected", { code, reason, url, reconnectInMs: inMs });
    if (this.current !== "disconnected") return;
    this.reconnectTimer = setTimeout(() => void this.open(), inMs);
  }

  /** Forgets a connection: timers, in-flight requests (posts go back to the outbox queue). */
  private teardown(connection: Connection): void {
    if (this.connection !== connection) return;
    this.connection = null;
    if (connection.connectTimer !== null) clearTimeout(connection.connectTimer);
    if (connection.heartbeat !== null) clearInterval(connection.heartbeat);
    // No-ops rather than `null`: some sockets (Node's `ws`) throw on an error nobody listens to.
    connection.socket.onmessage = ignore;
    connection.socket.onclose = ignore;
    connection.socket.onerror = ignore;
    connection.socket.onopen = ignore;
    this.outbox.connectionLost();
    this.commands.connectionLost();
    this.acks.disconnected();
  }

  private finish(closed: Closed): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const connection = this.connection;
    if (connection !== null) {
      this.teardown(connection);
      try {
        connection.socket.close(CloseCode.Normal, "bye");
      } catch {
        // Already closed.
      }
    }
    this.commands.close(new Error("the session is closed"));
    this.acks.close();
    this.stopWatchingVisibility();
    this.setState("closed");
    this.emit("closed", closed);
  }

  private setState(state: SessionState): void {
    if (this.current === state) return;
    const previous = this.current;
    this.current = state;
    this.emit("state", { state, previous });
  }
}

/** The id of every `typing` frame, which its (rare) refusals echo. */
const TYPING_ID = "typing";
/** Likewise for `received` frames. */
const RECEIVED_ID = "received";

function ignore(): void {}
