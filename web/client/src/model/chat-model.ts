/**
 * The client's state, between the SDK and the screens: the room list, each room's members and
 * messages, who is typing, presence, the connection. It subscribes to the `ChatSession` (live
 * events, outbox, state) and calls the `ChatApi` (reads, and the commands that are not posts),
 * and tells its one kind of listener "something changed"; the UI reads what it needs. Posts go
 * through the session's outbox, so a send is shown at once and delivered exactly once.
 *
 * Support conversations (api.md §12) are rooms too, but not chat rooms: the room list never
 * shows them. Their events (the user is a member as an agent) keep their messages, members and
 * read markers here all the same, and go to the Support area's inboxes (`onSupportEvent`); a room
 * the model does not know is looked up once to tell which it is.
 */

import {
  type ChatApi,
  ChatApiError,
  type ChatSession,
  type DeliveryStatus,
  type DirectoryRoom,
  type EventFrame,
  type MemberView,
  type MessageId,
  type PendingPost,
  type PresenceEntry,
  type RoomDetail,
  type RoomId,
  type RoomSummary,
  type SessionState,
  type UploadId,
  type UploadOptions,
  type UploadView,
  type UserId,
  messageStatus,
} from "../../../sdk/src/index";
import { Contacts } from "./contacts";
import { affectsInbox } from "./inbox-sync";
import { RoomMembers } from "./members";
import { People, type Person } from "./people";
import { applyToSummary, byActivity, markedRead } from "./room-summary";
import { SupportWatch } from "./support-watch";
import { Timeline } from "./timeline";

/** The connection as the banner shows it. */
export type ConnectionView = "connecting" | "connected" | "reconnecting" | "offline";

const HISTORY_PAGE = 50;
/** Marking read waits this long, so that a burst of messages costs one request. */
const READ_COALESCE_MS = 250;

export class ChatModel {
  readonly me: UserId;
  private readonly rooms = new Map<RoomId, RoomSummary>();
  /** Support conversations the user is in (as far as read), kept apart from the room list. */
  private readonly supportRooms = new Map<RoomId, RoomSummary>();
  /** Rooms known to be support conversations (by an event of theirs, or their detail). */
  private readonly supportIds = new Set<RoomId>();
  private readonly supportListeners = new Set<(frame: EventFrame) => void>();
  /** Rooms being looked up (a room just entered, or one whose events came first). */
  private readonly arrivals = new Map<RoomId, Promise<RoomId | null>>();
  /** How many support conversations wait for the user, for the Support link and the tab. */
  private readonly supportWatch: SupportWatch;
  private readonly members = new RoomMembers();
  /** The visitor of each support conversation opened (whom agents' messages are for). */
  private readonly supportVisitors = new Map<RoomId, UserId>();
  private readonly people: People;
  /** The user's contacts, requests and blocks (the timeline collapses blocked people's messages). */
  readonly contacts: Contacts;
  private readonly timelines = new Map<RoomId, Timeline>();
  private readonly listeners = new Set<() => void>();
  private readonly stops: Array<() => void> = [];
  private notifyQueued = false;
  private everConnected = false;
  private online = true;
  /** The room open in the chat, and the support conversation open in an inbox (either wins). */
  private viewingRoom: RoomId | null = null;
  private viewingConversation: RoomId | null = null;
  /** How far each room was marked read, and the pending (coalesced) request per room. */
  private readonly readSent = new Map<RoomId, number>();
  private readonly readTimers = new Map<RoomId, ReturnType<typeof setTimeout>>();
  /** Rooms left or deleted, at the sequence of the leave (see `dropRoom`). */
  private readonly goneAt = new Map<RoomId, number>();
  /** Events of rooms not in the list yet (just joined), applied once their entry is read. */
  private readonly early = new Map<RoomId, EventFrame[]>();
  /** The last refusal or failure to show, if any. */
  problem: string | null = null;

  constructor(
    readonly api: ChatApi,
    readonly session: ChatSession,
  ) {
    const me = api.userId;
    if (me === null) throw new Error("ChatModel needs a logged-in ChatApi");
    this.me = me;
    this.people = new People(api, () => this.changed());
    this.contacts = new Contacts(api);
    this.supportWatch = new SupportWatch(api, me, () => this.changed(), (roomId) => this.isViewed(roomId));
    this.stops.push(
      this.contacts.subscribe(() => this.changed()),
      session.on("ready", ({ frame }) => {
        this.everConnected = true;
        for (const room of frame.rooms) this.adoptSummary(room);
        for (const room of frame.rooms) if (room.kind === "direct" && !this.members.has(room.room_id)) void this.loadMembers(room.room_id);
        this.changed();
      }),
      session.on("event", (frame) => this.onEvent(frame)),
      session.on("gap", (fill) => {
        this.timeline(fill.roomId).merge(fill.recovered.messages);
        this.timeline(fill.roomId).mergeSystem(fill.recovered.system);
        this.changed();
      }),
      session.on("resumed", (frame) => {
        if (frame.reason === "unknown_position") this.reloadRoom(frame.room_id);
        if (frame.reason === "not_a_member") this.dropRoom(frame.room_id);
      }),
      session.on("typing", () => this.changed()),
      session.on("receipt", (frame) => {
        if (this.members.receipt(frame)) this.changed();
      }),
      session.on("presence", (entries) => {
        for (const entry of entries) this.people.setPresence(entry.user_id, entry.status);
        this.changed();
      }),
      session.on("contacts", (frame) => void this.contacts.heard(frame.event)),
      session.on("outbox", () => this.changed()),
      session.on("state", () => this.changed()),
      session.on("postFailed", ({ error }) => this.fail(error)),
    );
  }

  /** Starts loading the room list and connecting. */
  start(): void {
    void this.people.learn(this.me);
    void this.contacts.reload();
    this.supportWatch.start();
    const update = () => {
      this.online = navigator.onLine;
      this.markViewedRead();
      this.changed();
    };
    addEventListener("online", update);
    addEventListener("offline", update);
    document.addEventListener("visibilitychange", update);
    this.stops.push(() => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
      document.removeEventListener("visibilitychange", update);
    });
    void this.loadRooms();
    this.session.connect();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.supportWatch.stop();
    this.supportListeners.clear();
    for (const timer of this.readTimers.values()) clearTimeout(timer);
    this.readTimers.clear();
    this.session.close();
    this.listeners.clear();
  }

  /** Calls `listener` (batched, once per task) after every change; answers the unsubscriber. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -- Reading ---------------------------------------------------------------------------------

  roomList(): RoomSummary[] {
    return [...this.rooms.values()].sort(byActivity);
  }

  room(roomId: RoomId): RoomSummary | undefined {
    return this.rooms.get(roomId);
  }

  /** A support conversation the user is in, once its detail was read (never in `roomList`). */
  supportRoom(roomId: RoomId): RoomSummary | undefined {
    return this.supportRooms.get(roomId);
  }

  /** Open support conversations that wait for the user: unassigned, or theirs with unread messages. */
  get supportWaiting(): number {
    return this.supportWatch.waiting;
  }

  /**
   * Calls `listener` with each event of a support conversation (live, or replayed once a room
   * whose events came first turns out to be one); answers the unsubscriber.
   */
  onSupportEvent(listener: (frame: EventFrame) => void): () => void {
    this.supportListeners.add(listener);
    return () => this.supportListeners.delete(listener);
  }

  /** Calls `listener` with each batch of presence changes; answers the unsubscriber. */
  onPresence(listener: (entries: readonly PresenceEntry[]) => void): () => void {
    return this.session.on("presence", listener);
  }

  roomMembers(roomId: RoomId): readonly MemberView[] {
    return this.members.get(roomId);
  }

  person(userId: UserId): Person {
    const person = this.people.get(userId);
    // The server tells others about the user, not the user: this page knows best.
    if (userId === this.me) return { ...person, presence: this.session.state === "connected" ? "online" : "offline" };
    return person;
  }

  /** The other member of a direct room, once its members are loaded. */
  peer(roomId: RoomId): UserId | null {
    return this.roomMembers(roomId).find((member) => member.user_id !== this.me)?.user_id ?? null;
  }

  title(room: RoomSummary): string {
    if (room.name !== null) return room.name;
    const peer = this.peer(room.room_id);
    return peer === null ? "Direct conversation" : this.person(peer).name;
  }

  /** The room's messages as far as they are known (`view` and `loadOlder` load more). */
  timeline(roomId: RoomId): Timeline {
    let timeline = this.timelines.get(roomId);
    if (timeline === undefined) {
      timeline = new Timeline();
      this.timelines.set(roomId, timeline);
    }
    return timeline;
  }

  /** This user's posts to the room that the server has not acknowledged yet. */
  pending(roomId: RoomId): PendingPost[] {
    const timeline = this.timeline(roomId);
    return this.session.pendingPosts().filter((post) => post.roomId === roomId && !timeline.hasPost(post.clientMsgId));
  }

  /** The status of the user's own message at `seq` (its ticks), with counts for groups. */
  deliveryStatus(roomId: RoomId, seq: number): DeliveryStatus {
    const support = this.supportRooms.has(roomId) ? { visitor: this.supportVisitors.get(roomId) ?? null } : undefined;
    return messageStatus({ seq, author: this.me, members: this.members.get(roomId), ...(support === undefined ? {} : { support }) });
  }

  typing(roomId: RoomId): string[] {
    return this.session.typingUsers(roomId).map((userId) => this.person(userId).name);
  }

  get connection(): ConnectionView {
    const state: SessionState = this.session.state;
    if (state === "connected") return "connected";
    if (!this.online) return "offline";
    return this.everConnected ? "reconnecting" : "connecting";
  }

  get queued(): number {
    return this.session.pendingPosts().length;
  }

  // -- The room on screen ----------------------------------------------------------------------

  /** The user looks at `roomId` in the chat (or at no room): load it, and keep it marked read. */
  view(roomId: RoomId | null): void {
    this.viewingRoom = roomId;
    if (this.viewing !== null) this.load(this.viewing);
  }

  /** The user looks at the support conversation `roomId` of `visitor` in an inbox (or at none). */
  viewConversation(roomId: RoomId | null, visitor: UserId | null = null): void {
    this.viewingConversation = roomId;
    if (roomId !== null && visitor !== null) this.supportVisitors.set(roomId, visitor);
    if (this.viewing !== null) this.load(this.viewing);
  }

  /** Whether the user is looking at `roomId` now (the page visible). */
  isViewed(roomId: RoomId): boolean {
    return this.viewing === roomId && document.visibilityState === "visible";
  }

  private get viewing(): RoomId | null {
    return this.viewingConversation ?? this.viewingRoom;
  }

  private load(roomId: RoomId): void {
    if (roomId === this.viewingConversation && !this.supportRooms.has(roomId)) {
      // A conversation is read once the read model shows the user in it (just joined, say).
      void this.arrive(roomId).then(() => {
        if (this.viewing === roomId && this.supportRooms.has(roomId)) this.load(roomId);
      });
      return;
    }
    const timeline = this.timeline(roomId);
    if (!timeline.loaded && !timeline.loading) void this.loadOlder(roomId);
    if (!this.members.has(roomId)) void this.loadMembers(roomId);
    this.markViewedRead();
  }

  /** Loads the next older page of history (the newest page the first time). */
  async loadOlder(roomId: RoomId): Promise<void> {
    const timeline = this.timeline(roomId);
    if (timeline.loading || !timeline.hasOlder) return;
    timeline.loading = true;
    this.changed();
    try {
      const before = timeline.olderBefore;
      const page = await this.api.history(roomId, { limit: HISTORY_PAGE, ...(before == null ? {} : { before }) });
      timeline.addPage(page.messages, page.next_before, page.system);
      this.markViewedRead();
    } catch (error) {
      this.fail(error);
    } finally {
      timeline.loading = false;
      this.changed();
    }
  }

  // -- Commands --------------------------------------------------------------------------------

  /** Posts `body` (`""` with files alone) and the finished uploads `attachments` names. */
  post(roomId: RoomId, body: string, replyTo: MessageId | null, attachments: UploadId[] = []): void {
    const mentions = this.mentionsIn(roomId, body);
    this.session.post(roomId, body, {
      replyTo,
      ...(mentions.length === 0 ? {} : { mentions }),
      ...(attachments.length === 0 ? {} : { attachments }),
    });
    this.session.typing(roomId, false);
  }

  /** Sends a file for a post (api.md §13.1); refusals reject with the server's `ChatApiError`. */
  upload(file: Blob, options: UploadOptions): Promise<UploadView> {
    return this.api.uploadFile(file, options);
  }

  /** A signed URL of an attachment or its thumbnail, for `<img src>` and download links. */
  attachmentSrc(roomId: RoomId, attachmentId: UploadId, thumbnail = false): Promise<string | null> {
    return this.api.attachmentSrc(roomId, attachmentId, { thumbnail });
  }

  typed(roomId: RoomId, typing: boolean): void {
    this.session.typing(roomId, typing);
  }

  edit(roomId: RoomId, messageId: MessageId, body: string): void {
    void this.attempt(this.api.editMessage(roomId, messageId, body));
  }

  remove(roomId: RoomId, messageId: MessageId): void {
    void this.attempt(this.api.deleteMessage(roomId, messageId));
  }

  toggleReaction(roomId: RoomId, messageId: MessageId, reaction: string): void {
    const mine = this.timeline(roomId).get(messageId)?.reactions.get(reaction)?.includes(this.me) ?? false;
    void this.attempt(mine ? this.api.unreact(roomId, messageId, reaction) : this.api.react(roomId, messageId, reaction));
  }

  /** Creates a group room; answers its id once the room list has it. */
  async createRoom(name: string, isPublic: boolean): Promise<RoomId | null> {
    const created = await this.attempt(this.api.createGroupRoom(name, isPublic ? "public" : "private"));
    return created === null ? null : this.arrive(created.room_id);
  }

  /** Joins a public room by its id (or a link that ends with it). */
  async joinRoom(idOrLink: string): Promise<RoomId | null> {
    const roomId = idOrLink.trim().split("/").pop() ?? "";
    const joined = await this.attempt(this.api.joinRoom(roomId));
    return joined === null ? null : this.arrive(roomId);
  }

  /** Public rooms whose name contains `search` (all when empty), most members first. */
  publicRooms(search: string): Promise<DirectoryRoom[] | null> {
    return this.attempt(this.api.publicRooms(search.trim() === "" ? {} : { search: search.trim() }));
  }

  /** Leaves a room; answers whether the user is out. */
  async leaveRoom(roomId: RoomId): Promise<boolean> {
    if ((await this.attempt(this.api.leaveRoom(roomId))) === null) return false;
    this.dropRoom(roomId);
    return true;
  }

  /**
   * Opens the direct conversation with `username`: someone the user has met, else whoever the
   * server's exact-username lookup finds.
   */
  async openDirect(username: string): Promise<RoomId | null> {
    const found = await this.findPerson(username);
    if (found === null) return null;
    const opened = await this.attempt(this.api.openDirectRoom(found));
    return opened === null ? null : this.arrive(opened.room_id);
  }

  /** Changes the user's display name; answers whether it took. */
  async setDisplayName(name: string): Promise<boolean> {
    const wanted = name.trim();
    if ((await this.attempt(this.api.updateMe(wanted))) === null) return false;
    this.people.rename(this.me, wanted);
    this.changed();
    return true;
  }

  // -- Moderation (the room's owner and admins; the API refuses anyone else) -------------------

  /** Whether the user may add and remove members of `roomId` (owner or admin of a group room). */
  moderates(roomId: RoomId): boolean {
    const room = this.rooms.get(roomId);
    return room !== undefined && room.kind === "group" && room.role !== "member";
  }

  /** Adds the person called `username` to the room; answers whether they are in. */
  async addMember(roomId: RoomId, username: string): Promise<boolean> {
    const found = await this.findPerson(username);
    return found !== null && (await this.attempt(this.api.addMember(roomId, found))) !== null;
  }

  async removeMember(roomId: RoomId, userId: UserId): Promise<void> {
    await this.attempt(this.api.removeMember(roomId, userId));
  }

  /** Bans `userId` from the room (removing them if a member); answers whether it was done. */
  async banMember(roomId: RoomId, userId: UserId, reason?: string): Promise<boolean> {
    return (await this.attempt(this.api.banUser(roomId, userId, reason))) !== null;
  }

  async unbanMember(roomId: RoomId, userId: UserId): Promise<boolean> {
    return (await this.attempt(this.api.unbanUser(roomId, userId))) !== null;
  }

  /** Sets the room's topic and description (blank clears); answers whether it was done. */
  async changeRoomSettings(roomId: RoomId, topic: string, description: string): Promise<boolean> {
    return (await this.attempt(this.api.changeRoomSettings(roomId, { topic, description }))) !== null;
  }

  /** Deletes the room (the owner only): it is gone at once, here and for every member. */
  async deleteRoom(roomId: RoomId): Promise<boolean> {
    const deleted = await this.attempt(this.api.deleteRoom(roomId));
    if (deleted === null) return false;
    this.dropRoom(roomId, deleted.seq);
    return true;
  }

  /** Makes a member an admin or a plain member (the owner only). */
  async changeRole(roomId: RoomId, userId: UserId, role: "admin" | "member"): Promise<void> {
    await this.attempt(this.api.changeRole(roomId, userId, role));
  }

  /**
   * The id of the person called `username` (any case, a leading `@` allowed): someone the user
   * has met, else whoever the server's exact-username lookup finds. `null`, with the problem
   * shown, when no one is called that or the lookup failed.
   */
  private async findPerson(username: string): Promise<UserId | null> {
    const wanted = username.trim().replace(/^@/, "").toLowerCase();
    let found: UserId | null;
    try {
      found = this.people.byUsername(wanted) ?? (await this.api.findUser(wanted))?.user_id ?? null;
    } catch (error) {
      this.fail(error);
      return null;
    }
    if (found === null) {
      this.problem = `No one is called “${wanted}”.`;
      this.changed();
    }
    return found;
  }

  dismissProblem(): void {
    this.problem = null;
    this.changed();
  }

  // -- Plumbing --------------------------------------------------------------------------------

  private onEvent(frame: EventFrame): void {
    const roomId = frame.room_id;
    const event = frame.event;
    if (isSupportEvent(frame)) this.supportIds.add(roomId);
    const support = this.supportIds.has(roomId);
    const list = support ? this.supportRooms : this.rooms;
    // Leaving, or a deleted room: dropped below, and never read again as a room just entered
    // (the read model may not show the leave yet).
    const gone = (event.type === "MemberLeft" && event.user_id === this.me) || event.type === "RoomDeleted";
    const summary = list.get(roomId);
    if (summary !== undefined) list.set(roomId, applyToSummary(summary, frame, this.me, this.isViewed(roomId)));
    // (A support conversation's entry is read when it is opened, and taken as it is then.)
    else if (!support && !gone) this.early.set(roomId, [...(this.early.get(roomId) ?? []), frame]);
    this.timeline(roomId).apply(frame);
    this.members.apply(frame);
    if (support) {
      for (const listener of this.supportListeners) listener(frame);
      if (affectsInbox(frame, this.me)) this.supportWatch.poke(roomId);
    }
    // A room the model does not know yet: one just entered, or a support conversation.
    if (summary === undefined && !support && !gone) void this.arrive(roomId);
    if (gone) this.dropRoom(roomId, frame.seq);
    switch (event.type) {
      case "MemberJoined":
        if (event.user_id !== this.me) void this.people.learn(event.user_id);
        break;
      case "MessagePosted":
        void this.people.learn(event.author);
        // Its position is stored after this returns: mark read up to its seq explicitly.
        if (this.isViewed(roomId)) this.markViewedRead(frame.seq);
        break;
      default:
        break;
    }
    this.changed();
  }

  /** Marks the viewed room read up to its last processed event, once per new position. */
  private markViewedRead(atLeast = 0): void {
    const roomId = this.viewing;
    if (roomId === null || !this.isViewed(roomId)) return;
    const list = this.supportIds.has(roomId) ? this.supportRooms : this.rooms;
    const summary = list.get(roomId);
    const upTo = Math.max(atLeast, this.session.position(roomId) ?? 0, summary?.last_seq ?? 0);
    if (upTo <= 0 || upTo <= Math.max(summary?.last_read_seq ?? 0, this.readSent.get(roomId) ?? 0)) return;
    this.readSent.set(roomId, upTo);
    if (summary !== undefined) list.set(roomId, markedRead(summary, upTo));
    if (this.readTimers.has(roomId)) return;
    const timer = setTimeout(() => {
      this.readTimers.delete(roomId);
      void this.attempt(this.api.markRead(roomId, this.readSent.get(roomId) ?? upTo));
    }, READ_COALESCE_MS);
    this.readTimers.set(roomId, timer);
  }

  private async loadRooms(): Promise<void> {
    try {
      for await (const room of this.api.allRooms({ limit: 200 })) {
        this.adoptSummary(room);
        if (room.kind === "direct") void this.loadMembers(room.room_id);
      }
    } catch (error) {
      this.fail(error);
    }
    this.changed();
  }

  /**
   * Takes a read-model entry unless live events have already taken the room further; events
   * that came before the room's first entry and that the entry does not include yet are applied.
   */
  private adoptSummary(room: RoomSummary): void {
    if (room.last_seq < (this.goneAt.get(room.room_id) ?? 0)) return;
    const support = room.kind === "support";
    const list = support ? this.supportRooms : this.rooms;
    const known = list.get(room.room_id);
    const early = this.early.get(room.room_id) ?? [];
    this.early.delete(room.room_id);
    if (support && !this.supportIds.has(room.room_id)) {
      // Its events came before anyone knew what it was: the inboxes get them now.
      this.supportIds.add(room.room_id);
      for (const frame of early) for (const listener of this.supportListeners) listener(frame);
      this.supportWatch.poke(room.room_id);
    }
    if (known === undefined || room.last_seq >= known.last_seq) {
      const viewed = this.isViewed(room.room_id);
      const newer = early.filter((frame) => frame.seq > room.last_seq);
      list.set(room.room_id, newer.reduce((summary, frame) => applyToSummary(summary, frame, this.me, viewed), room));
    }
    if (room.room_id === this.viewing) this.markViewedRead();
  }

  /** Reads the room's detail; `arriving`: the read model may not show the user in it yet (quietly `null`). */
  private async loadMembers(roomId: RoomId, arriving = false): Promise<RoomDetail | null> {
    try {
      const detail = await this.api.room(roomId);
      this.adoptSummary(detail);
      this.members.set(roomId, detail.members);
      this.people.addMembers(detail.members);
      this.changed();
      return detail;
    } catch (error) {
      const notYet = error instanceof ChatApiError && (error.status === 404 || (arriving && error.code === "not_a_member"));
      if (!notYet) this.fail(error);
      return null;
    }
  }

  /**
   * A room the user just entered, or whose events came before the model knew it: waits
   * (briefly) for the read model to show it, which also tells a support conversation apart.
   */
  private arrive(roomId: RoomId): Promise<RoomId | null> {
    let arrival = this.arrivals.get(roomId);
    if (arrival === undefined) {
      arrival = (async () => {
        for (let attempt = 0; attempt < 20; attempt += 1) {
          if ((await this.loadMembers(roomId, true)) !== null) return roomId;
          await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
        }
        return null;
      })().finally(() => this.arrivals.delete(roomId));
      this.arrivals.set(roomId, arrival);
    }
    return arrival;
  }

  private reloadRoom(roomId: RoomId): void {
    this.timelines.delete(roomId);
    if (this.viewing === roomId) this.load(roomId);
    this.changed();
  }

  /** Forgets a room; with `seq`, the leave or deletion there, so that no older entry of the read
   *  models (which may trail it) brings the room back. */
  private dropRoom(roomId: RoomId, seq?: number): void {
    if (seq !== undefined) this.goneAt.set(roomId, Math.max(seq, this.goneAt.get(roomId) ?? 0));
    this.rooms.delete(roomId);
    this.supportRooms.delete(roomId);
    this.early.delete(roomId);
    this.members.delete(roomId);
    this.timelines.delete(roomId);
    this.changed();
  }

  /**
   * Members (not the user) to suggest for a `@query` in the composer: those whose username or
   * display name starts with it, in the order of their names.
   */
  mentionCandidates(roomId: RoomId, query: string, limit = 6): Array<{ userId: UserId; username: string; name: string }> {
    const wanted = query.toLowerCase();
    return this.roomMembers(roomId)
      .flatMap(({ user_id: userId }) => {
        const { username, name } = this.people.get(userId);
        return userId === this.me || username === null ? [] : [{ userId, username, name }];
      })
      .filter(({ username, name }) => username.startsWith(wanted) || name.toLowerCase().startsWith(wanted))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, limit);
  }

  /** The members named `@username` in a message. */
  private mentionsIn(roomId: RoomId, body: string): UserId[] {
    const names = new Set([...body.matchAll(/@([a-z0-9_.-]+)/gi)].map((match) => (match[1] ?? "").toLowerCase()));
    return this.roomMembers(roomId)
      .map((member) => member.user_id)
      .filter((userId) => names.has(this.people.get(userId).username ?? ""));
  }

  private async attempt<T>(promise: Promise<T>): Promise<T | null> {
    try {
      return await promise;
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  private fail(error: unknown): void {
    this.problem = error instanceof ChatApiError ? error.message : "Something went wrong; try again.";
    this.changed();
  }

  private changed(): void {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const listener of this.listeners) listener();
    });
  }
}

/** Whether the event can only be of a support conversation. */
function isSupportEvent(frame: EventFrame): boolean {
  const event = frame.event;
  switch (event.type) {
    case "RoomCreated":
      return event.kind.type === "support";
    case "VisitorContextRecorded":
    case "ConversationAssigned":
    case "ConversationResolved":
    case "ConversationReopened":
      return true;
    default:
      return false;
  }
}
