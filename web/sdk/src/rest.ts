/**
 * The REST client (docs/api.md): typed methods for the routes a chat app needs, one
 * `ChatApiError` shape for every refusal, and the token lifecycle: the access token is sent as a
 * bearer token, refreshed before it expires and, on a `401`, refreshed once and the request
 * retried. Refresh tokens work once (api.md §2.3), so refreshing is single-flight: concurrent
 * requests that meet an expired token share one refresh.
 */

import type {
  AcceptedInvite,
  Ban,
  BanList,
  BanRequest,
  RoomSettingsRequest,
  BlockList,
  BlockedUser,
  ContactList,
  ContactRequest,
  Standing,
  CreateInviteRequest,
  CreatedInvite,
  InviteList,
  InvitePreview,
  InviteSummary,
  AddedAgent,
  AttachmentLinks,
  ClientConfig,
  IdentitySecret,
  AddedDomain,
  AgentRequest,
  AssignRequest,
  ChangeRoleRequest,
  CommandResult,
  CreateRoomRequest,
  CreateRoomResponse,
  CreatedWebsite,
  DirectoryResults,
  DirectoryRoom,
  DomainCheck,
  DomainRequest,
  ErrorCode,
  HistoryPage,
  InboxConversation,
  InboxFilter,
  InboxList,
  MessageId,
  PostMessageRequest,
  PostMessageResponse,
  ReceiptsResponse,
  RefreshResponse,
  RegisterRequest,
  Role,
  RoomDetail,
  RoomId,
  RoomPage,
  SearchOrder,
  SearchResults,
  SearchableKind,
  SessionResponse,
  UploadId,
  UploadLimits,
  UploadView,
  UserId,
  UserIdentity,
  UserView,
  Visibility,
  WebsiteDetail,
  WebsiteId,
  WebsiteList,
  WebsiteNameRequest,
  WebsiteReply,
  WebsiteSummary,
  WidgetSettings,
} from "./contract";
import { ChatApiError } from "./errors";
import { newId } from "./ids";
import { type FetchLike, exchange } from "./transport";
import {
  type UploadOptions,
  type UploadTransport,
  defaultTransport,
  oversize,
  readUploadAnswer,
  uploadRequest,
} from "./uploads";

/** What the client keeps of a login; persist it (e.g. in `localStorage`) to survive a reload. */
export interface Credentials {
  userId: UserId;
  token: string;
  /** When `token` expires (RFC 3339), if known. */
  expiresAt: string | null;
  refreshToken: string | null;
  refreshExpiresAt: string | null;
}

/** Credentials as stored by `JSON.stringify`, read back; `null` if the text is not that. */
export function parseCredentials(text: string): Credentials | null {
  try {
    const value = JSON.parse(text) as Partial<Credentials>;
    if (typeof value.userId !== "string" || typeof value.token !== "string") return null;
    return {
      userId: value.userId,
      token: value.token,
      expiresAt: value.expiresAt ?? null,
      refreshToken: value.refreshToken ?? null,
      refreshExpiresAt: value.refreshExpiresAt ?? null,
    };
  } catch {
    return null;
  }
}

export type { FetchLike } from "./transport";

export interface ChatApiOptions {
  /** E.g. `http://127.0.0.1:8080` (no trailing `/v1`). */
  baseUrl: string;
  /** A login to start from (e.g. restored from storage). */
  credentials?: Credentials | null;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Called whenever the credentials change (login, refresh, logout, lost): persist them here. */
  onCredentials?: (credentials: Credentials | null) => void;
  /**
   * Called once the login is gone for good (refresh refused, account erased): show the login
   * screen. The error says why.
   */
  onAuthLost?: (error: ChatApiError) => void;
  /** A token is refreshed this long before its `expires_at` (default 30 s). */
  refreshSkewMs?: number;
  /** Current time in ms (tests). */
  now?: () => number;
  /** How uploads are sent (default: `XMLHttpRequest` in browsers, for progress; else `fetch`). */
  uploadTransport?: UploadTransport;
}

export interface PostOptions {
  /** Reuse the key of the first attempt when retrying; a fresh UUID otherwise. */
  clientMsgId?: string;
  replyTo?: MessageId | null;
  mentions?: UserId[];
  /** Your uploads (`uploadFile`), at most 10; with them the body may be `null`. */
  attachments?: UploadId[];
}

export interface PageOptions {
  limit?: number;
}

/** The filters, order and page of a message search (api.md §4.6). */
export interface SearchOptions {
  roomId?: RoomId;
  authorId?: UserId;
  /** Posted before this time (RFC 3339). */
  before?: string;
  /** Posted at or after this time (RFC 3339). */
  after?: string;
  hasAttachment?: boolean;
  kind?: SearchableKind;
  order?: SearchOrder;
  limit?: number;
  /** The previous page's `next_cursor`. */
  cursor?: string;
}

/** Codes of a `401` that a fresh access token may cure. */
const RENEWABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["token_expired", "invalid_token", "unauthorized"]);

type Query = Record<string, string | number | undefined>;

interface Request {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
  /** Send the bearer token (every route but register, login, refresh, logout). */
  auth: boolean;
}

interface Answer<T> {
  status: number;
  body: T;
}

export class ChatApi {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly options: ChatApiOptions;
  private current: Credentials | null;
  private refreshing: Promise<Credentials> | null = null;
  private readonly now: () => number;
  private readonly uploadTransport: UploadTransport;
  /** Signed links per attachment, reused until shortly before they expire. */
  private readonly links = new Map<string, Promise<AttachmentLinks>>();
  /** The server's upload limits, read once (again after a failed read). */
  private limits: Promise<UploadLimits | null> | null = null;

  constructor(options: ChatApiOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.current = options.credentials ?? null;
    this.now = options.now ?? Date.now;
    this.uploadTransport = options.uploadTransport ?? defaultTransport(this.fetchImpl);
  }

  /** The login in use, or `null`. */
  get credentials(): Credentials | null {
    return this.current;
  }

  /** The logged-in user's id, or `null`. */
  get userId(): UserId | null {
    return this.current?.userId ?? null;
  }

  // -- Authentication (api.md §2) --------------------------------------------------------------

  /** `POST /v1/auth/register`: creates the account and logs in. */
  async register(request: RegisterRequest): Promise<SessionResponse> {
    const session = await this.send<SessionResponse>({ method: "POST", path: "/v1/auth/register", body: request, auth: false });
    this.adopt(session.body);
    return session.body;
  }

  /** `POST /v1/auth/login` */
  async login(username: string, password: string): Promise<SessionResponse> {
    const session = await this.send<SessionResponse>({
      method: "POST",
      path: "/v1/auth/login",
      body: { username, password },
      auth: false,
    });
    this.adopt(session.body);
    return session.body;
  }

  /**
   * `POST /v1/auth/refresh`: trades the refresh token for a new pair. Concurrent callers share
   * one request. A refused refresh ends the login (`onAuthLost`).
   */
  refresh(): Promise<Credentials> {
    if (this.refreshing === null) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** `POST /v1/auth/logout`: ends this login (its refresh tokens stop working). */
  async logout(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    if (refreshToken) {
      await this.send<undefined>({ method: "POST", path: "/v1/auth/logout", body: { refresh_token: refreshToken }, auth: false });
    }
    this.setCredentials(null);
  }

  /** `POST /v1/auth/logout-all`: ends every login of the user. */
  async logoutAll(): Promise<void> {
    await this.call<undefined>({ method: "POST", path: "/v1/auth/logout-all", auth: true });
    this.setCredentials(null);
  }

  /**
   * A valid access token: the current one, or a refreshed one if it has expired (or is about
   * to). Used by the WebSocket session for `identify`.
   */
  async accessToken(): Promise<string> {
    const credentials = this.current;
    if (credentials === null) {
      throw new ChatApiError({ status: 401, code: "unauthorized", message: "not logged in" });
    }
    if (this.expiresSoon(credentials) && credentials.refreshToken) {
      return (await this.refresh()).token;
    }
    return credentials.token;
  }

  /**
   * A token other than `rejected`, which the server refused: refreshed unless someone already
   * did since. Throws if the login is gone.
   */
  async renewAccessToken(rejected: string): Promise<string> {
    const credentials = this.current;
    if (credentials !== null && credentials.token !== rejected) {
      return credentials.token;
    }
    return (await this.refresh()).token;
  }

  // -- Profile and users (api.md §2.5–2.8) -----------------------------------------------------

  /** `GET /v1/me` */
  me(): Promise<UserView> {
    return this.get<UserView>("/v1/me");
  }

  /** `PATCH /v1/me` */
  async updateMe(displayName: string): Promise<void> {
    await this.call<undefined>({ method: "PATCH", path: "/v1/me", body: { display_name: displayName }, auth: true });
  }

  /** `GET /v1/users/{user_id}`: yourself or someone who shares a room with you. */
  user(userId: UserId): Promise<UserView> {
    return this.get<UserView>(`/v1/users/${seg(userId)}`);
  }

  /**
   * `GET /v1/users?username=`: the user with exactly that username (any case), or `null`; how
   * to find someone you share no room with yet, to open a direct room with them.
   */
  async findUser(username: string): Promise<UserIdentity | null> {
    const found = await this.get<{ users: UserIdentity[] }>("/v1/users", { username });
    return found.users[0] ?? null;
  }

  /**
   * `GET /v1/users/search`: people who share a room with you whose username, or a word of
   * whose display name, starts with `prefix` (any case, accents ignored); to add them to a room.
   */
  async searchUsers(prefix: string, options: PageOptions = {}): Promise<UserIdentity[]> {
    const found = await this.get<DirectoryResults>("/v1/users/search", { q: prefix, limit: options.limit });
    return found.users;
  }

  // -- Contacts and blocking (api.md §14) ------------------------------------------------------

  /** `GET /v1/contacts`: your contacts (with presence), and the requests you received and sent. */
  contacts(): Promise<ContactList> {
    return this.get<ContactList>("/v1/contacts");
  }

  /** `POST /v1/contacts/requests`: ask them; if they had asked you, you become contacts. */
  requestContact(userId: UserId): Promise<Standing> {
    const body: ContactRequest = { user_id: userId };
    return this.write<Standing>("POST", "/v1/contacts/requests", body);
  }

  /** `POST /v1/contacts/requests/{user_id}/accept` */
  acceptContact(userId: UserId): Promise<Standing> {
    return this.write<Standing>("POST", `/v1/contacts/requests/${seg(userId)}/accept`);
  }

  /** `POST /v1/contacts/requests/{user_id}/decline` */
  declineContact(userId: UserId): Promise<Standing> {
    return this.write<Standing>("POST", `/v1/contacts/requests/${seg(userId)}/decline`);
  }

  /** `DELETE /v1/contacts/requests/{user_id}`: withdraw your request. */
  cancelContactRequest(userId: UserId): Promise<Standing> {
    return this.write<Standing>("DELETE", `/v1/contacts/requests/${seg(userId)}`);
  }

  /** `DELETE /v1/contacts/{user_id}`: stop being contacts (for both). */
  removeContact(userId: UserId): Promise<Standing> {
    return this.write<Standing>("DELETE", `/v1/contacts/${seg(userId)}`);
  }

  /** `GET /v1/blocks`: whom you block, newest first. */
  async blocks(): Promise<BlockedUser[]> {
    return (await this.get<BlockList>("/v1/blocks")).blocked;
  }

  /** `PUT /v1/blocks/{user_id}`: no direct messages between you; they see none of your presence. */
  block(userId: UserId): Promise<Standing> {
    return this.write<Standing>("PUT", `/v1/blocks/${seg(userId)}`);
  }

  /** `DELETE /v1/blocks/{user_id}` */
  unblock(userId: UserId): Promise<Standing> {
    return this.write<Standing>("DELETE", `/v1/blocks/${seg(userId)}`);
  }

  // -- Search (api.md §4.6) --------------------------------------------------------------------

  /**
   * `GET /v1/search`: messages of your rooms matching `query` (words, `"phrases"`, `-word`,
   * `or`), best match first unless `order: "recent"`. Render each `snippet` with `snippetParts`.
   */
  searchMessages(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    return this.get<SearchResults>("/v1/search", {
      q: query,
      room_id: options.roomId,
      author_id: options.authorId,
      before: options.before,
      after: options.after,
      has_attachment: options.hasAttachment === undefined ? undefined : String(options.hasAttachment),
      kind: options.kind,
      order: options.order,
      limit: options.limit,
      cursor: options.cursor,
    });
  }

  // -- Rooms (api.md §3) -----------------------------------------------------------------------

  /** `GET /v1/rooms`: one page, most recently active first. */
  rooms(options: PageOptions & { before?: string } = {}): Promise<RoomPage> {
    return this.get<RoomPage>("/v1/rooms", { limit: options.limit, before: options.before });
  }

  /** Every room of yours, page after page. */
  async *allRooms(options: PageOptions = {}): AsyncGenerator<RoomPage["rooms"][number]> {
    let before: string | undefined;
    for (;;) {
      const page = await this.rooms({ ...options, ...(before === undefined ? {} : { before }) });
      yield* page.rooms;
      if (page.next_before === null) return;
      before = page.next_before;
    }
  }

  /** `POST /v1/rooms` with `type: "group"`: a new room you own. */
  async createGroupRoom(name: string, visibility: Visibility = "public"): Promise<CreateRoomResponse> {
    const body: CreateRoomRequest = { type: "group", name, visibility };
    return (await this.call<CreateRoomResponse>({ method: "POST", path: "/v1/rooms", body, auth: true })).body;
  }

  /**
   * `POST /v1/rooms` with `type: "direct"`: the one room of you and `userId`, opened now
   * (`created: true`) or before (by either of you).
   */
  async openDirectRoom(userId: UserId): Promise<CreateRoomResponse & { created: boolean }> {
    const body: CreateRoomRequest = { type: "direct", user_id: userId };
    const answer = await this.call<CreateRoomResponse>({ method: "POST", path: "/v1/rooms", body, auth: true });
    return { ...answer.body, created: answer.status === 201 };
  }

  /**
   * `GET /v1/directory/rooms`: public rooms, most members first; with `search`, those whose
   * name contains it (any case).
   */
  async publicRooms(options: PageOptions & { search?: string } = {}): Promise<DirectoryRoom[]> {
    const found = await this.get<{ rooms: DirectoryRoom[] }>("/v1/directory/rooms", { q: options.search, limit: options.limit });
    return found.rooms;
  }

  /** `GET /v1/rooms/{room_id}`: detail with members, their read markers and presence. */
  room(roomId: RoomId): Promise<RoomDetail> {
    return this.get<RoomDetail>(`/v1/rooms/${seg(roomId)}`);
  }

  /**
   * `POST /v1/rooms/{room_id}/join`: a public room, or a support conversation of a website you
   * are an agent of (`membership_managed` for anyone else).
   */
  joinRoom(roomId: RoomId): Promise<CommandResult> {
    return this.command("POST", `/v1/rooms/${seg(roomId)}/join`);
  }

  /** `POST /v1/rooms/{room_id}/leave` */
  leaveRoom(roomId: RoomId): Promise<CommandResult> {
    return this.command("POST", `/v1/rooms/${seg(roomId)}/leave`);
  }

  /** `PUT /v1/rooms/{room_id}/members/{user_id}` (admins and the owner). */
  addMember(roomId: RoomId, userId: UserId): Promise<CommandResult> {
    return this.command("PUT", `/v1/rooms/${seg(roomId)}/members/${seg(userId)}`);
  }

  /** `DELETE /v1/rooms/{room_id}/members/{user_id}` */
  removeMember(roomId: RoomId, userId: UserId): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}/members/${seg(userId)}`);
  }

  /** `PUT /v1/rooms/{room_id}/members/{user_id}/role` (the owner only). */
  changeRole(roomId: RoomId, userId: UserId, role: Exclude<Role, "owner">): Promise<CommandResult> {
    const body: ChangeRoleRequest = { role };
    return this.command("PUT", `/v1/rooms/${seg(roomId)}/members/${seg(userId)}/role`, body);
  }

  /** `POST /v1/rooms/{room_id}/read`: read up to and including `upToSeq`. */
  markRead(roomId: RoomId, upToSeq: number): Promise<CommandResult> {
    return this.command("POST", `/v1/rooms/${seg(roomId)}/read`, { up_to_seq: upToSeq });
  }

  /** `GET /v1/rooms/{room_id}/receipts`: how far each member has read, and received. */
  receipts(roomId: RoomId): Promise<ReceiptsResponse> {
    return this.get<ReceiptsResponse>(`/v1/rooms/${seg(roomId)}/receipts`);
  }

  // -- Moderation (api.md §3.13) -----------------------------------------------------------------

  /** `POST /v1/rooms/{room_id}/bans`: bans `userId`, removing them if they are a member. */
  banUser(roomId: RoomId, userId: UserId, reason?: string): Promise<CommandResult> {
    const body: BanRequest = { user_id: userId, reason: reason ?? null };
    return this.command("POST", `/v1/rooms/${seg(roomId)}/bans`, body);
  }

  /** `DELETE /v1/rooms/{room_id}/bans/{user_id}`: they may join again (they are not added back). */
  unbanUser(roomId: RoomId, userId: UserId): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}/bans/${seg(userId)}`);
  }

  /** `GET /v1/rooms/{room_id}/bans` (admins and the owner), newest first. */
  async bans(roomId: RoomId): Promise<Ban[]> {
    return (await this.get<BanList>(`/v1/rooms/${seg(roomId)}/bans`)).bans;
  }

  /** `PATCH /v1/rooms/{room_id}`: absent fields stay, `null` or blank clears. */
  changeRoomSettings(roomId: RoomId, settings: RoomSettingsRequest): Promise<CommandResult> {
    return this.command("PATCH", `/v1/rooms/${seg(roomId)}`, settings);
  }

  /** `DELETE /v1/rooms/{room_id}` (the owner only): gone for every member, for good. */
  deleteRoom(roomId: RoomId): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}`);
  }

  // -- Invites (api.md §3.12) -------------------------------------------------------------------

  /** `POST /v1/rooms/{room_id}/invites` (admins and the owner): its code is answered this once. */
  async createInvite(roomId: RoomId, options: { expiresInSecs?: number; maxUses?: number } = {}): Promise<CreatedInvite> {
    const body: CreateInviteRequest = {};
    if (options.expiresInSecs !== undefined) body.expires_in_secs = options.expiresInSecs;
    if (options.maxUses !== undefined) body.max_uses = options.maxUses;
    const path = `/v1/rooms/${seg(roomId)}/invites`;
    return (await this.call<CreatedInvite>({ method: "POST", path, body, auth: true })).body;
  }

  /** `GET /v1/rooms/{room_id}/invites`: the invites that can still let someone in (admins and the owner). */
  async invites(roomId: RoomId): Promise<InviteSummary[]> {
    return (await this.get<InviteList>(`/v1/rooms/${seg(roomId)}/invites`)).invites;
  }

  /** `DELETE /v1/rooms/{room_id}/invites/{invite}`: by the invite's id or its code. */
  revokeInvite(roomId: RoomId, invite: string): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}/invites/${seg(invite)}`);
  }

  /** `GET /v1/invites/{code}`: the room's name and size, without joining. */
  previewInvite(code: string): Promise<InvitePreview> {
    return this.get<InvitePreview>(`/v1/invites/${seg(code)}`);
  }

  /** `POST /v1/invites/{code}/accept`: join its room (`changed: false` for a member). */
  async acceptInvite(code: string): Promise<AcceptedInvite> {
    return (await this.call<AcceptedInvite>({ method: "POST", path: `/v1/invites/${seg(code)}/accept`, auth: true })).body;
  }

  // -- Messages (api.md §4) --------------------------------------------------------------------

  /** `GET /v1/rooms/{room_id}/messages`: one page, newest first, messages with `seq < before`. */
  history(roomId: RoomId, options: PageOptions & { before?: number } = {}): Promise<HistoryPage> {
    return this.get<HistoryPage>(`/v1/rooms/${seg(roomId)}/messages`, { limit: options.limit, before: options.before });
  }

  /** The history page after page, newest first, from `before` (exclusive) back to the start. */
  async *historyPages(roomId: RoomId, options: PageOptions & { before?: number } = {}): AsyncGenerator<HistoryPage> {
    let before = options.before;
    for (;;) {
      const page = await this.history(roomId, { ...options, ...(before === undefined ? {} : { before }) });
      yield page;
      if (page.next_before === null || page.messages.length === 0) return;
      before = page.next_before;
    }
  }

  /**
   * `POST /v1/rooms/{room_id}/messages`. Retrying with the same `clientMsgId` is safe: a
   * recognised retry answers the original message with `duplicate: true`.
   */
  async postMessage(roomId: RoomId, body: string | null, options: PostOptions = {}): Promise<PostMessageResponse> {
    const request: PostMessageRequest = { client_msg_id: options.clientMsgId ?? newId() };
    if (body !== null) request.body = body;
    if (options.replyTo != null) request.reply_to = options.replyTo;
    if (options.mentions !== undefined) request.mentions = options.mentions;
    if (options.attachments !== undefined && options.attachments.length > 0) request.attachments = options.attachments;
    const answer = await this.call<PostMessageResponse>({
      method: "POST",
      path: `/v1/rooms/${seg(roomId)}/messages`,
      body: request,
      auth: true,
    });
    return answer.body;
  }

  // -- Uploads and attachments (api.md §13) ------------------------------------------------------

  /**
   * `POST /v1/uploads`: sends `file` (a `File` or any `Blob`), reporting progress and stopping
   * when `signal` aborts. Post the answer's `upload_id` in `attachments` before `expires_at`.
   * Refusals are `ChatApiError`s: `payload_too_large`, `quota_exceeded`,
   * `unsupported_media_type`, `mime_mismatch`, `image_too_large`, `invalid_image`,
   * `rate_limited`. A file over the server's limit (`uploadLimits`) is refused with
   * `payload_too_large` before anything is sent. An expired token is refreshed and the file
   * sent once more.
   */
  async uploadFile(file: Blob, options: UploadOptions = {}): Promise<UploadView> {
    const refusal = oversize(file.size, await this.uploadLimits());
    if (refusal !== null) throw refusal;
    options.signal?.throwIfAborted();
    const attempt = async (token: string): Promise<UploadView> => {
      const request = uploadRequest(this.baseUrl, token, file, options);
      const response = await this.uploadTransport(request);
      return readUploadAnswer<UploadView>(response, request.requestId);
    };
    const token = await this.accessToken();
    try {
      return await attempt(token);
    } catch (error) {
      const renewable =
        error instanceof ChatApiError && error.status === 401 && RENEWABLE.has(error.code) && !!this.current?.refreshToken;
      if (!renewable) throw this.noticeErasure(error);
    }
    try {
      return await attempt(await this.renewAccessToken(token));
    } catch (error) {
      throw this.noticeErasure(error);
    }
  }

  /** `GET /v1/client-config` (no auth): the gateways and the upload limits. */
  async clientConfig(): Promise<ClientConfig> {
    return (await this.send<ClientConfig>({ method: "GET", path: "/v1/client-config", auth: false })).body;
  }

  /**
   * The server's upload limits (from `clientConfig`, read once); `null` when they cannot be
   * read now (the server still checks every upload).
   */
  uploadLimits(): Promise<UploadLimits | null> {
    this.limits ??= this.clientConfig().then(
      (config) => (typeof config.uploads?.max_file_bytes === "number" ? config.uploads : null),
      () => {
        this.limits = null;
        return null;
      },
    );
    return this.limits;
  }

  /** `GET /v1/rooms/{room_id}/attachments/{attachment_id}/links`: signed, short-lived URLs. */
  attachmentLinks(roomId: RoomId, attachmentId: UploadId): Promise<AttachmentLinks> {
    return this.get<AttachmentLinks>(`/v1/rooms/${seg(roomId)}/attachments/${seg(attachmentId)}/links`);
  }

  /**
   * An absolute URL of the attachment (or its thumbnail) that works without a token, for
   * `<img src>`, `<a href download>` or a player: a signed URL, asked for once and reused until
   * a minute before it expires. `null` for a thumbnail of a file that has none.
   */
  async attachmentSrc(roomId: RoomId, attachmentId: UploadId, options: { thumbnail?: boolean } = {}): Promise<string | null> {
    const key = `${roomId}/${attachmentId}`;
    let links = this.links.get(key);
    const fresh = async (): Promise<AttachmentLinks> => {
      const asked = this.attachmentLinks(roomId, attachmentId);
      this.links.set(key, asked);
      asked.catch(() => this.links.delete(key));
      return asked;
    };
    let current = await (links ?? fresh());
    if (Date.parse(current.expires_at) - 60_000 <= this.now()) {
      links = undefined;
      current = await fresh();
    }
    const path = options.thumbnail ? current.thumbnail_url : current.url;
    return path === null ? null : this.baseUrl + path;
  }

  /** `PATCH /v1/rooms/{room_id}/messages/{message_id}` (the author only). */
  editMessage(roomId: RoomId, messageId: MessageId, body: string): Promise<CommandResult> {
    return this.command("PATCH", `/v1/rooms/${seg(roomId)}/messages/${seg(messageId)}`, { body });
  }

  /** `DELETE /v1/rooms/{room_id}/messages/{message_id}` */
  deleteMessage(roomId: RoomId, messageId: MessageId): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}/messages/${seg(messageId)}`);
  }

  /** `PUT …/reactions/{reaction}`: adds your reaction (percent-encoded in the path). */
  react(roomId: RoomId, messageId: MessageId, reaction: string): Promise<CommandResult> {
    return this.command("PUT", `/v1/rooms/${seg(roomId)}/messages/${seg(messageId)}/reactions/${seg(reaction)}`);
  }

  /** `DELETE …/reactions/{reaction}`: removes your reaction. */
  unreact(roomId: RoomId, messageId: MessageId, reaction: string): Promise<CommandResult> {
    return this.command("DELETE", `/v1/rooms/${seg(roomId)}/messages/${seg(messageId)}/reactions/${seg(reaction)}`);
  }

  // -- Support-chat websites (api.md §11): only the team sees one, only the owner changes it --

  /** `POST /v1/websites`: a new website you own. */
  async createWebsite(name: string): Promise<CreatedWebsite> {
    const body: WebsiteNameRequest = { name };
    return (await this.call<CreatedWebsite>({ method: "POST", path: "/v1/websites", body, auth: true })).body;
  }

  /** `GET /v1/websites`: the websites you own or are an agent of, by name. */
  async websites(): Promise<WebsiteSummary[]> {
    return (await this.get<WebsiteList>("/v1/websites")).websites;
  }

  /** `GET /v1/websites/{website_id}`: settings, domains and team (`website_not_found` outside it). */
  website(websiteId: WebsiteId): Promise<WebsiteDetail> {
    return this.get<WebsiteDetail>(`/v1/websites/${seg(websiteId)}`);
  }

  /** `PATCH /v1/websites/{website_id}` (the owner). */
  renameWebsite(websiteId: WebsiteId, name: string): Promise<WebsiteReply> {
    const body: WebsiteNameRequest = { name };
    return this.websiteCommand("PATCH", `/v1/websites/${seg(websiteId)}`, body);
  }

  /** `PUT /v1/websites/{website_id}/widget`: replaces every setting (the owner). */
  changeWidget(websiteId: WebsiteId, settings: WidgetSettings): Promise<WebsiteReply> {
    return this.websiteCommand("PUT", `/v1/websites/${seg(websiteId)}/widget`, settings);
  }

  /**
   * `POST /v1/websites/{website_id}/domains` (the owner): the domain's token, to publish;
   * `created: false` when it was listed already (its first token).
   */
  async addDomain(websiteId: WebsiteId, domain: string): Promise<AddedDomain & { created: boolean }> {
    const body: DomainRequest = { domain };
    const answer = await this.call<AddedDomain>({ method: "POST", path: `/v1/websites/${seg(websiteId)}/domains`, body, auth: true });
    return { ...answer.body, created: answer.status === 201 };
  }

  /** `DELETE /v1/websites/{website_id}/domains/{domain}` (the owner): the widget stops loading there. */
  removeDomain(websiteId: WebsiteId, domain: string): Promise<WebsiteReply> {
    return this.websiteCommand("DELETE", `/v1/websites/${seg(websiteId)}/domains/${seg(domain)}`);
  }

  /**
   * `POST /v1/websites/{website_id}/domains/{domain}/check` (the owner): fetches the site now. A
   * failed check is an answer (`verified: false` and its `failure`); `rate_limited` carries
   * `retryAfterMs`.
   */
  async checkDomain(websiteId: WebsiteId, domain: string): Promise<DomainCheck> {
    const path = `/v1/websites/${seg(websiteId)}/domains/${seg(domain)}/check`;
    return (await this.call<DomainCheck>({ method: "POST", path, auth: true })).body;
  }

  /** `POST /v1/websites/{website_id}/agents` (the owner): adds a user by username; `user_not_found`. */
  async addAgent(websiteId: WebsiteId, username: string): Promise<AddedAgent> {
    const body: AgentRequest = { username };
    return (await this.call<AddedAgent>({ method: "POST", path: `/v1/websites/${seg(websiteId)}/agents`, body, auth: true })).body;
  }

  /**
   * `DELETE /v1/websites/{website_id}/agents/{user_id}`: the owner removes an agent, or an agent
   * (naming themselves) leaves; `owner_cannot_leave` for the owner.
   */
  removeAgent(websiteId: WebsiteId, userId: UserId): Promise<WebsiteReply> {
    return this.websiteCommand("DELETE", `/v1/websites/${seg(websiteId)}/agents/${seg(userId)}`);
  }

  /** `GET /v1/websites/{website_id}/identity-secret` (the owner): `null` until made. */
  async identitySecret(websiteId: WebsiteId): Promise<string | null> {
    const path = `/v1/websites/${seg(websiteId)}/identity-secret`;
    return (await this.call<IdentitySecret>({ method: "GET", path, auth: true })).body.secret;
  }

  /** `POST /v1/websites/{website_id}/identity-secret` (the owner): a new secret; the old one stops verifying. */
  async rotateIdentitySecret(websiteId: WebsiteId): Promise<string> {
    const path = `/v1/websites/${seg(websiteId)}/identity-secret`;
    const made = (await this.call<IdentitySecret>({ method: "POST", path, auth: true })).body;
    return made.secret ?? "";
  }

  // -- Support conversations (api.md §12.2): the website's team -------------------------------

  /**
   * `GET /v1/websites/{website_id}/conversations`: the website's conversations, most recently
   * active first; `status` `open` (the server's default), `mine`, `unassigned` or `resolved`;
   * `limit` 50 by default, capped at 200.
   */
  async inbox(websiteId: WebsiteId, options: PageOptions & { status?: InboxFilter } = {}): Promise<InboxConversation[]> {
    const path = `/v1/websites/${seg(websiteId)}/conversations`;
    return (await this.get<InboxList>(path, { status: options.status, limit: options.limit })).conversations;
  }

  /**
   * `POST /v1/rooms/{room_id}/assign`: assigns the conversation to an agent of its website (who
   * joins it if they are not in it), transfers it, or unassigns it (`null`). Agents in it only;
   * `target_not_a_member` for someone not on the website's team.
   */
  assign(roomId: RoomId, userId: UserId | null): Promise<CommandResult> {
    const body: AssignRequest = { user_id: userId };
    return this.command("POST", `/v1/rooms/${seg(roomId)}/assign`, body);
  }

  /** `POST /v1/rooms/{room_id}/resolve` (agents in it); `changed: false` when it was resolved. */
  resolve(roomId: RoomId): Promise<CommandResult> {
    return this.command("POST", `/v1/rooms/${seg(roomId)}/resolve`);
  }

  /** `POST /v1/rooms/{room_id}/reopen` (its members); `changed: false` when it was open. */
  reopen(roomId: RoomId): Promise<CommandResult> {
    return this.command("POST", `/v1/rooms/${seg(roomId)}/reopen`);
  }

  // -- Plumbing --------------------------------------------------------------------------------

  private async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.call<T>({ method: "GET", path, auth: true, ...(query === undefined ? {} : { query }) })).body;
  }

  private command(method: Request["method"], path: string, body?: unknown): Promise<CommandResult> {
    return this.write<CommandResult>(method, path, body);
  }

  private websiteCommand(method: Request["method"], path: string, body?: unknown): Promise<WebsiteReply> {
    return this.write<WebsiteReply>(method, path, body);
  }

  /** An authenticated request with an optional JSON body; its answer's body. */
  private async write<T>(method: Request["method"], path: string, body?: unknown): Promise<T> {
    return (await this.call<T>({ method, path, auth: true, ...(body === undefined ? {} : { body }) })).body;
  }

  /** An authenticated request: refreshes an expiring token first, and once more on a `401`. */
  private async call<T>(request: Request): Promise<Answer<T>> {
    const token = await this.accessToken();
    try {
      return await this.send<T>(request, token);
    } catch (error) {
      const renewable =
        error instanceof ChatApiError && error.status === 401 && RENEWABLE.has(error.code) && !!this.current?.refreshToken;
      if (!renewable) throw this.noticeErasure(error);
    }
    const renewed = await this.renewAccessToken(token);
    try {
      return await this.send<T>(request, renewed);
    } catch (error) {
      throw this.noticeErasure(error);
    }
  }

  /** An erased account ends the login (api.md §10); answers the error to throw. */
  private noticeErasure(error: unknown): unknown {
    if (error instanceof ChatApiError && error.code === "account_erased") this.lose(error);
    return error;
  }

  private send<T>(request: Request, token?: string): Promise<Answer<T>> {
    const url = this.baseUrl + request.path + queryString(request.query);
    return exchange<T>(this.fetchImpl, { method: request.method, path: request.path, url, body: request.body, ...(token === undefined ? {} : { token }) });
  }

  private async doRefresh(): Promise<Credentials> {
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken) {
      throw new ChatApiError({ status: 401, code: "invalid_refresh_token", message: "no refresh token" });
    }
    try {
      const answer = await this.send<RefreshResponse>({
        method: "POST",
        path: "/v1/auth/refresh",
        body: { refresh_token: refreshToken },
        auth: false,
      });
      const refreshed = answer.body;
      const credentials: Credentials = {
        userId: refreshed.user_id,
        token: refreshed.token,
        expiresAt: refreshed.expires_at,
        refreshToken: refreshed.refresh_token,
        refreshExpiresAt: refreshed.refresh_expires_at,
      };
      this.setCredentials(credentials);
      return credentials;
    } catch (error) {
      if (error instanceof ChatApiError && error.status === 401) this.lose(error);
      throw error;
    }
  }

  private adopt(session: SessionResponse): void {
    this.setCredentials({
      userId: session.user_id,
      token: session.token,
      expiresAt: session.expires_at,
      refreshToken: session.refresh_token,
      refreshExpiresAt: session.refresh_expires_at,
    });
  }

  private setCredentials(credentials: Credentials | null): void {
    this.current = credentials;
    this.options.onCredentials?.(credentials);
  }

  private lose(error: ChatApiError): void {
    if (this.current === null) return;
    this.setCredentials(null);
    this.options.onAuthLost?.(error);
  }

  private expiresSoon(credentials: Credentials): boolean {
    if (credentials.expiresAt === null) return false;
    const expires = Date.parse(credentials.expiresAt);
    return Number.isFinite(expires) && expires - (this.options.refreshSkewMs ?? 30_000) <= this.now();
  }
}

/** One path segment, percent-encoded (reactions are UTF-8 in the path, api.md §4.5). */
function seg(value: string): string {
  return encodeURIComponent(value);
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}
