/**
 * The visitor's conversation, live: a `ChatSession` with the visitor's token whose resume
 * positions and outbox are kept under the visitor's namespace (so a reload resumes where the
 * last page left off and resends what was not acknowledged), the REST history and receipts,
 * the `Timeline` they feed, and the members' markers (the SDK's `RoomMarkers`, kept current by
 * events and `receipt` frames, read again after each reconnect) that give the visitor's
 * messages their ticks. It marks the agents' messages read while the visitor sees them, and
 * reports agents' new messages and every change to its owner (`WidgetModel`).
 */

import {
  ChatApiError,
  ChatSession,
  RoomMarkers,
  joinedMarkers,
  webStorageStores,
  type ChatApi,
  type PendingPost,
  type RoomDetail,
  type RoomId,
  type SessionApi,
  type VisitorApi,
  type WebSocketFactory,
  type WebStorageLike,
} from "../../../sdk/src/index";
import { type ChatMessage, type FailedPost, type Line, Timeline } from "./timeline";

const HISTORY_PAGE = 50;

export interface ConversationOptions {
  roomId: RoomId;
  websiteId: string;
  /** The visitor's REST client (their credentials, refreshed). */
  chat: ChatApi;
  visitorApi: VisitorApi;
  storage: WebStorageLike;
  /** Where the visitor's session stores live. */
  namespace: string;
  gateways: readonly string[];
  /** Opens sockets (default: the browser's `WebSocket`; tests pass a fake). */
  webSocket?: WebSocketFactory;
  /** This visitor just started the conversation (not one they come back to). */
  started: boolean;
  /** Something shown changed. */
  changed: () => void;
  /** A new message from an agent (not read yet). */
  agentMessage: (message: ChatMessage) => void;
  /** The visitor's login is gone for good. */
  lost: () => void;
}

export class LiveConversation {
  readonly roomId: RoomId;
  private readonly timeline: Timeline;
  /** Who is in the conversation and how far each has received and read it. */
  private readonly markers = new RoomMarkers(joinedMarkers);
  private readonly session: ChatSession;
  private pending: PendingPost[];
  private failed: FailedPost[] = [];
  private earliest: number | null = null;
  private markedUpTo = 0;
  private wasConnected = false;
  private readies = 0;

  constructor(private readonly options: ConversationOptions) {
    const me = options.chat.userId;
    if (me === null) throw new Error("a conversation needs the visitor's login");
    this.roomId = options.roomId;
    this.timeline = new Timeline(me);
    const stores = webStorageStores(options.storage, options.namespace);
    // A new conversation is read from its first event, so that the members' joins are known
    // (their markers give the ticks; the receipts' read model may not have them yet); an old
    // one resumes from where the last page left off.
    if (options.started) stores.positions.set(options.roomId, 0);
    const socket = options.webSocket === undefined ? {} : { webSocket: options.webSocket };
    const session = new ChatSession({ url: options.gateways, api: sessionApi(options), ...stores, ...socket });
    this.session = session;
    this.pending = this.ours(session.pendingPosts());
    session.on("event", (frame) => {
      if (frame.room_id !== this.roomId) return;
      this.markers.apply(frame);
      const fresh = this.timeline.apply(frame);
      if (fresh !== null && fresh.body !== null) options.agentMessage(fresh);
      options.changed();
    });
    session.on("gap", ({ roomId, recovered }) => {
      if (roomId === this.roomId) this.timeline.addHistory(recovered.messages);
      options.changed();
    });
    session.on("resumed", (frame) => {
      if (frame.room_id === this.roomId && frame.reason === "unknown_position") void this.loadHistory();
    });
    session.on("receipt", (frame) => {
      if (frame.room_id === this.roomId && this.markers.receipt(frame)) options.changed();
    });
    session.on("ready", () => {
      // Markers that moved while the connection was down came in no frame: read them again
      // (the first connection's come from the receipts an old conversation opens with, or the
      // joins of a new one).
      this.readies += 1;
      if (this.readies > 1) void this.loadReceipts();
    });
    session.on("typing", () => options.changed());
    session.on("outbox", (pending) => {
      this.pending = this.ours(pending);
      options.changed();
    });
    session.on("sent", (receipt) => {
      // Shown as sent from its `ack`: its event may come a moment later.
      const post = this.pending.find((candidate) => candidate.clientMsgId === receipt.clientMsgId);
      if (receipt.roomId === this.roomId && post !== undefined) this.timeline.acknowledged(receipt, post);
    });
    session.on("postFailed", ({ post }) => {
      if (post.roomId === this.roomId) this.failed.push({ clientMsgId: post.clientMsgId, body: post.body, queuedAt: post.queuedAt });
      options.changed();
    });
    session.on("state", ({ state }) => {
      if (state === "connected") this.wasConnected = true;
      options.changed();
    });
    session.on("closed", ({ reason }) => {
      if (reason === "auth_lost") options.lost();
    });
    session.connect();
    if (!options.started) void this.loadPast();
  }

  /** What to show, oldest first. */
  lines(): Line[] {
    // A visitor writes to the team: any agent's device or eyes will do (api.md §3.10).
    const support = { visitor: this.timeline.me };
    return this.timeline.lines(this.pending, this.failed, (seq) => this.markers.status(seq, this.timeline.me, support).status);
  }

  /** The agents' messages the visitor has not read. */
  unread(): number {
    return this.timeline.unread();
  }

  get agentTyping(): boolean {
    return this.session.typingUsers(this.roomId).length > 0;
  }

  /** The live connection worked and is being restored. */
  get reconnecting(): boolean {
    return this.wasConnected && this.session.state !== "connected";
  }

  get hasEarlier(): boolean {
    return this.earliest !== null;
  }

  /** Queues a message in the persisted outbox; it goes as soon as the connection allows. */
  post(body: string): void {
    this.session.post(this.roomId, body);
  }

  /** Sends a refused message again. */
  retry(clientMsgId: string): void {
    const failed = this.failed.find((post) => post.clientMsgId === clientMsgId);
    if (failed === undefined) return;
    this.failed = this.failed.filter((post) => post !== failed);
    this.session.post(this.roomId, failed.body);
    this.options.changed();
  }

  typing(typing: boolean): void {
    this.session.typing(this.roomId, typing);
  }

  async loadEarlier(): Promise<void> {
    if (this.earliest !== null) await this.loadHistory(this.earliest);
  }

  /** The visitor sees the conversation: the agents' messages so far are read. */
  seen(): void {
    const latest = this.timeline.latestAgentSeq();
    if (latest <= this.timeline.myRead || latest <= this.markedUpTo) return;
    const upTo = Math.max(latest, this.session.position(this.roomId) ?? 0);
    this.markedUpTo = upTo;
    this.timeline.read(upTo);
    this.session.markRead(this.roomId, upTo).catch(() => {
      // Tried again the next time the visitor sees something new.
      this.markedUpTo = 0;
    });
  }

  close(): void {
    this.session.close();
  }

  private ours(posts: readonly PendingPost[]): PendingPost[] {
    return posts.filter((post) => post.roomId === this.roomId);
  }

  /** An existing conversation's read markers, then its latest history. */
  private async loadPast(): Promise<void> {
    // Read markers first: until they are known, every agent message would count as unread.
    await this.loadReceipts();
    await this.loadHistory();
  }

  private async loadHistory(before?: number): Promise<void> {
    try {
      const page = await this.options.chat.history(this.roomId, { limit: HISTORY_PAGE, ...(before === undefined ? {} : { before }) });
      this.timeline.addHistory(page.messages);
      if (before === undefined || this.earliest === null || (page.next_before ?? 0) < this.earliest) this.earliest = page.next_before;
    } catch {
      // The live session still delivers what comes next.
    }
    this.options.changed();
  }

  private async loadReceipts(): Promise<void> {
    try {
      const { receipts } = await this.options.chat.receipts(this.roomId);
      this.markers.reset(receipts);
      for (const receipt of receipts) if (receipt.user_id === this.timeline.me) this.timeline.read(receipt.last_read_seq);
    } catch {
      // Ticks say "sent" until the next read marker arrives.
    }
    this.options.changed();
  }
}

/**
 * What the session needs of REST. A visitor may read a conversation's history but not the
 * room's detail (`403 visitor_not_allowed`), which a gap fill reads for the room's `last_seq`:
 * the visitor's own list of conversations has it.
 */
function sessionApi({ chat, visitorApi, websiteId }: ConversationOptions): SessionApi {
  return {
    accessToken: () => chat.accessToken(),
    renewAccessToken: (rejected) => chat.renewAccessToken(rejected),
    history: (roomId, options) => chat.history(roomId, options),
    room: async (roomId): Promise<RoomDetail> => {
      const found = (await visitorApi.conversations(websiteId)).find((conversation) => conversation.room_id === roomId);
      if (found === undefined) throw new ChatApiError({ status: 403, code: "not_a_member", message: "not one of the visitor's conversations" });
      return {
        room_id: found.room_id,
        kind: "support",
        name: null,
        visibility: null,
        topic: null,
        description: null,
        role: "member",
        member_count: 0,
        message_count: 0,
        last_seq: found.last_seq,
        last_read_seq: 0,
        delivered_seq: 0,
        unread_count: found.unread_count,
        unread_mentions: 0,
        last_message: null,
        created_at: found.created_at,
        last_activity_at: found.last_activity_at,
        members: [],
      };
    },
  };
}
