/**
 * A website's inbox (api.md §12.2) for its agents: the conversations as the server lists them,
 * kept current between reads by the live events of the user's session (a message, an
 * assignment, a resolution), and read again a short while after each such event
 * (`Rereader`). Reads and live events are merged by the room's sequence: whichever saw more of
 * the room wins, so a read that trails the live stream cannot undo what the user just saw.
 * The filters (Open, Mine, Unassigned, Resolved) are computed from what is known; the server's
 * filters fill in what the open list cannot (the resolved ones, or more than it holds).
 */

import {
  type ChatApi,
  ChatApiError,
  type EventFrame,
  INBOX_FILTERS,
  type InboxConversation,
  type InboxFilter,
  type PresenceEntry,
  type RoomId,
  type UserId,
  type WebsiteId,
} from "../../../sdk/src/index";
import { INBOX_LIMIT, type RereadOptions, Rereader, affectsInbox, waitsFor } from "./inbox-sync";
import { refreshUntil } from "./refresh";
import { type Outcome, problemText } from "./websites";

export type InboxApi = Pick<ChatApi, "inbox" | "assign" | "resolve" | "reopen" | "joinRoom" | "room">;

/** What the inbox follows: the user's session, through the chat's model. */
export interface InboxSource {
  onSupportEvent(listener: (frame: EventFrame) => void): () => void;
  onPresence(listener: (entries: readonly PresenceEntry[]) => void): () => void;
  /** Whether the user is looking at the conversation now (its messages are read as they come). */
  isViewed(roomId: RoomId): boolean;
}

const PREVIEW_CHARS = 200;

// -- Pure pieces (unit-tested) -------------------------------------------------------------------

export function matchesFilter(conversation: InboxConversation, filter: InboxFilter, me: UserId): boolean {
  switch (filter) {
    case "open":
      return conversation.status === "open";
    case "mine":
      return conversation.status === "open" && conversation.assignee_id === me;
    case "unassigned":
      return conversation.status === "open" && conversation.assignee_id === null;
    case "resolved":
      return conversation.status === "resolved";
  }
}

/** Most recently active first, as the server orders them. */
export function byActivity(a: InboxConversation, b: InboxConversation): number {
  return Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at) || b.room_id.localeCompare(a.room_id);
}

/**
 * The conversation after a live event of its room. An event the conversation already includes
 * (at or below its `last_seq`, e.g. a read that came after it) changes nothing.
 */
export function applyToConversation(conversation: InboxConversation, frame: EventFrame, me: UserId, viewing: boolean): InboxConversation {
  if (frame.seq <= conversation.last_seq) return conversation;
  const next: InboxConversation = { ...conversation, last_seq: frame.seq };
  const event = frame.event;
  switch (event.type) {
    case "MessagePosted":
      next.last_message_preview = (event.body ?? "").slice(0, PREVIEW_CHARS);
      next.last_message_author = event.author;
      next.last_message_at = frame.at;
      next.last_activity_at = frame.at;
      if (event.author !== me && conversation.joined && !viewing) next.unread_count += 1;
      break;
    case "ReadMarkerMoved":
      if (event.user_id === me && event.up_to_seq >= conversation.last_seq) next.unread_count = 0;
      break;
    case "MemberJoined":
      if (event.user_id === me) next.joined = true;
      break;
    case "MemberLeft":
      if (event.user_id === me) next.joined = false;
      break;
    case "ConversationAssigned":
      next.assignee_id = event.assignee;
      break;
    case "ConversationResolved":
      next.status = "resolved";
      break;
    case "ConversationReopened":
      next.status = "open";
      break;
    case "VisitorContextRecorded":
      next.page_url = event.page_url;
      next.referrer = event.referrer;
      next.language = event.language;
      next.user_agent = event.user_agent;
      break;
    default:
      break;
  }
  return next;
}

export interface ReadMerge {
  /** The read holds every conversation of its filter (fewer than its limit). */
  complete: boolean;
  /** Whether live events changed the conversation since the read began. */
  changedSince: (roomId: RoomId) => boolean;
}

/**
 * What is known after a read of `filter`: each conversation read replaces the known one unless
 * live events took that further (a higher `last_seq`); a known one of the filter that a complete
 * read no longer lists, and that nothing changed since the read began, has left the filter in a
 * way the user did not see (another agent's command in a conversation the user is not in): it is
 * forgotten until a read shows it again.
 */
export function mergeRead(
  known: ReadonlyMap<RoomId, InboxConversation>,
  read: readonly InboxConversation[],
  filter: InboxFilter,
  me: UserId,
  merge: ReadMerge,
): Map<RoomId, InboxConversation> {
  const next = new Map(known);
  const listed = new Set<RoomId>();
  for (const conversation of read) {
    listed.add(conversation.room_id);
    const mine = next.get(conversation.room_id);
    if (mine === undefined || conversation.last_seq >= mine.last_seq) next.set(conversation.room_id, conversation);
  }
  if (merge.complete) {
    for (const [roomId, conversation] of known) {
      if (!listed.has(roomId) && matchesFilter(conversation, filter, me) && !merge.changedSince(roomId)) next.delete(roomId);
    }
  }
  return next;
}

/** The visitor's name, as the inbox shows it. */
export function visitorName(conversation: InboxConversation): string {
  return conversation.visitor_name ?? "Erased visitor";
}

/**
 * "Identified by the website as 42" when the website's server vouched for who the visitor is
 * (identity verification, api.md §12.4); `null` for an anonymous visitor.
 */
export function identifiedAs(conversation: InboxConversation): string | null {
  const id = conversation.visitor_external_id;
  return id === null ? null : `Identified by the website as ${id}`;
}

/** A refused conversation command in words. */
export function conversationProblem(error: unknown): string {
  if (error instanceof ChatApiError) {
    switch (error.code) {
      case "not_a_member":
        return "Join the conversation first.";
      case "target_not_a_member":
        return "Only an agent of this website can take the conversation.";
      case "not_allowed":
        return "Only the website's agents can do that.";
      case "room_not_found":
        return "This conversation no longer exists.";
      default:
        break;
    }
  }
  return problemText(error);
}

// -- The inbox -------------------------------------------------------------------------------

export class Inbox {
  filter: InboxFilter = "open";
  /** Why the inbox could not be read, if it could not. */
  problem: string | null = null;
  private entries = new Map<RoomId, InboxConversation>();
  /** Filters read at least once, and those whose last read held all of them. */
  private readonly read = new Set<InboxFilter>();
  private readonly complete = new Set<InboxFilter>();
  /** Per conversation, the read generation during which live events last changed it. */
  private readonly touched = new Map<RoomId, number>();
  private generation = 0;
  /** A conversation the user opened that no read has shown yet (say, an old resolved one). */
  private wanted: RoomId | null = null;
  private source: InboxSource | null = null;
  private readonly reader: Rereader;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: InboxApi,
    readonly websiteId: WebsiteId,
    readonly me: UserId,
    options: RereadOptions = {},
    private readonly limit = INBOX_LIMIT,
  ) {
    this.reader = new Rereader(() => this.readLists(), options);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads, and follows the session's events until the answer is called. */
  start(source: InboxSource): () => void {
    this.source = source;
    const stops = [
      source.onSupportEvent((frame) => this.apply(frame)),
      source.onPresence((entries) => this.presence(entries)),
    ];
    this.reader.now();
    return () => {
      for (const stop of stops) stop();
      this.reader.stop();
      this.source = null;
    };
  }

  // -- Reading ---------------------------------------------------------------------------------

  /** Whether the conversations of `filter` have been read. */
  loaded(filter: InboxFilter = this.filter): boolean {
    return this.read.has(filter === "resolved" ? "resolved" : "open");
  }

  /** The conversations of `filter` (the chosen one by default), most recently active first. */
  list(filter: InboxFilter = this.filter): InboxConversation[] {
    return [...this.entries.values()].filter((conversation) => matchesFilter(conversation, filter, this.me)).sort(byActivity);
  }

  /** How many conversations `filter` holds, when that is known without another read. */
  count(filter: InboxFilter): number | null {
    const source = filter === "resolved" ? "resolved" : "open";
    return this.complete.has(source) ? this.list(filter).length : null;
  }

  /** Open conversations waiting for the user: nobody's, or theirs with unread messages. */
  waiting(): number {
    return this.list("open").filter((conversation) => waitsFor(conversation, this.me)).length;
  }

  get(roomId: RoomId): InboxConversation | undefined {
    return this.entries.get(roomId);
  }

  /** Whether `roomId` was looked for and is in none of the lists. */
  missing(roomId: RoomId): boolean {
    return !this.entries.has(roomId) && this.read.has("open") && this.read.has("resolved");
  }

  setFilter(filter: InboxFilter): void {
    if (!INBOX_FILTERS.includes(filter)) return;
    this.filter = filter;
    this.changed();
    if (this.needsRead()) this.reader.now();
  }

  /** The conversation the user opened: read until it is known. */
  want(roomId: RoomId | null): void {
    this.wanted = roomId;
    if (roomId !== null && !this.entries.has(roomId) && this.read.has("open") && !this.read.has("resolved")) this.reader.now();
  }

  /** Reads again now. */
  refresh(): void {
    this.reader.now();
  }

  // -- Commands (agents in the conversation; Join for one who is not) --------------------------

  /** Assigns the conversation to `userId` (the user: they take it; another agent: a transfer), or unassigns it. */
  assign(roomId: RoomId, userId: UserId | null): Promise<Outcome> {
    return this.command(roomId, () => this.api.assign(roomId, userId));
  }

  /** The user takes the conversation, joining it first if they are not in it (only those in it assign). */
  async take(roomId: RoomId): Promise<Outcome> {
    if (this.entries.get(roomId)?.joined === false) {
      const joined = await this.join(roomId);
      if (!joined.ok) return joined;
    }
    return this.assign(roomId, this.me);
  }

  resolve(roomId: RoomId): Promise<Outcome> {
    return this.command(roomId, () => this.api.resolve(roomId));
  }

  reopen(roomId: RoomId): Promise<Outcome> {
    return this.command(roomId, () => this.api.reopen(roomId));
  }

  /** Joins a conversation the user is not in (an agent added after it started); done once it can be read. */
  async join(roomId: RoomId): Promise<Outcome> {
    try {
      const { seq } = await this.api.joinRoom(roomId);
      const readable = async () => {
        try {
          return await this.api.room(roomId);
        } catch (error) {
          if (error instanceof ChatApiError && (error.code === "not_a_member" || error.code === "room_not_found")) return undefined;
          throw error;
        }
      };
      await refreshUntil(readable, () => true, { attempts: 12 });
      const known = this.entries.get(roomId);
      if (known !== undefined && !known.joined) {
        // As of the join's seq: a read from before it cannot undo it.
        this.entries.set(roomId, { ...known, joined: true, last_seq: Math.max(known.last_seq, seq) });
        this.touched.set(roomId, this.generation);
        this.changed();
      }
      this.reader.poke();
      return { ok: true, value: true };
    } catch (error) {
      return { ok: false, problem: conversationProblem(error) };
    }
  }

  // -- Plumbing --------------------------------------------------------------------------------

  private async command(roomId: RoomId, run: () => Promise<unknown>): Promise<Outcome> {
    try {
      await run();
      // Its event shows the change (the user is in the conversation); the read confirms it.
      this.reader.poke(this.entries.has(roomId) ? undefined : roomId);
      return { ok: true, value: true };
    } catch (error) {
      return { ok: false, problem: conversationProblem(error) };
    }
  }

  private apply(frame: EventFrame): void {
    const roomId = frame.room_id;
    const known = this.entries.get(roomId);
    if (known !== undefined) {
      const next = applyToConversation(known, frame, this.me, this.source?.isViewed(roomId) ?? false);
      if (next !== known) {
        this.entries.set(roomId, next);
        this.touched.set(roomId, this.generation);
        this.changed();
      }
    }
    // A conversation not known yet (a new one, or another website's) is waited for a little.
    if (affectsInbox(frame, this.me)) this.reader.poke(known === undefined ? roomId : undefined);
  }

  private presence(entries: readonly PresenceEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      for (const conversation of this.entries.values()) {
        if (conversation.visitor_id !== entry.user_id || conversation.visitor_presence === entry.status) continue;
        this.entries.set(conversation.room_id, { ...conversation, visitor_presence: entry.status });
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  private needsRead(): boolean {
    if (this.filter === "resolved") return !this.read.has("resolved");
    if (this.filter === "open") return !this.read.has("open");
    // Mine and Unassigned come from the open list, unless it could not hold every open one.
    return !this.read.has("open") || !this.complete.has("open");
  }

  /** Reads the open list, and the lists it cannot stand for; answers the conversations known. */
  private async readLists(): Promise<ReadonlySet<RoomId> | null> {
    const generation = (this.generation += 1);
    const filters: InboxFilter[] = ["open"];
    const wantedUnknown = this.wanted !== null && !this.entries.has(this.wanted);
    if (this.filter === "resolved" || wantedUnknown) filters.push("resolved");
    if ((this.filter === "mine" || this.filter === "unassigned") && this.read.has("open") && !this.complete.has("open")) filters.push(this.filter);
    let lists: InboxConversation[][];
    try {
      lists = await Promise.all(filters.map((status) => this.api.inbox(this.websiteId, { status, limit: this.limit })));
    } catch (error) {
      this.problem = problemText(error);
      this.changed();
      return null;
    }
    filters.forEach((filter, index) => {
      const list = lists[index] ?? [];
      const complete = list.length < this.limit;
      this.entries = mergeRead(this.entries, list, filter, this.me, {
        // Only the open and resolved lists tell that a conversation left them.
        complete: complete && (filter === "open" || filter === "resolved"),
        changedSince: (roomId) => (this.touched.get(roomId) ?? 0) >= generation,
      });
      if (filter === "open" || filter === "resolved") {
        this.read.add(filter);
        if (complete) this.complete.add(filter);
        else this.complete.delete(filter);
      }
    });
    // What the user is looking at is read, whatever a read from just before their marker says.
    for (const conversation of this.entries.values()) {
      if (conversation.unread_count > 0 && this.source?.isViewed(conversation.room_id) === true) {
        this.entries.set(conversation.room_id, { ...conversation, unread_count: 0 });
      }
    }
    this.problem = null;
    this.changed();
    return new Set(this.entries.keys());
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
