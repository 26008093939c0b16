/**
 * The wire contract of the chat server: every type that crosses the network, in one file.
 *
 * These types mirror docs/api.md (REST) and docs/protocol.md (WebSocket), which in turn are
 * backed by the Rust sources (`commands/src/http/`, `projections/src/queries/`,
 * `gateway/src/protocol.rs`, `nats/src/wire.rs`, `domain/src/room/events.rs`,
 * `domain/src/error_code.rs`). They are written by hand, named as the SDK's users see them,
 * and checked against the server's OpenAPI document by `sdk/test/contract/matches-openapi.ts`
 * (a field that differs fails `npm run typecheck`). Nothing but types and constants lives here.
 *
 * Conventions of the wire (api.md §1, protocol.md §1): ids are UUID strings, sequences are JSON
 * integers, timestamps are RFC 3339 strings in UTC, and a nullable field is always present
 * (`null`, never left out) in what the server sends.
 */

/** A UUID string. */
export type Uuid = string;
export type UserId = Uuid;
export type RoomId = Uuid;
export type MessageId = Uuid;
/** An uploaded file; once posted, also the attachment's id. */
export type UploadId = Uuid;
/** RFC 3339 in UTC, e.g. `"2026-11-23T01:52:10.091953Z"`. */
export type Timestamp = string;

// ---------------------------------------------------------------------------------------------
// Error codes (api.md §7, protocol.md §10; `domain/src/error_code.rs`)
// ---------------------------------------------------------------------------------------------

/** Every stable error code, REST and WebSocket. Branch on these, never on messages. */
export const ERROR_CODES = [
  // The request itself.
  "malformed_request",
  "malformed_json",
  "invalid_path",
  "invalid_query",
  "invalid_request",
  "invalid_input",
  "unsupported_media_type",
  "payload_too_large",
  "uri_too_long",
  "headers_too_large",
  "not_found",
  "method_not_allowed",
  // WebSocket frames.
  "invalid_frame",
  "unknown_type",
  "unsupported_frame",
  "already_identified",
  // Who is asking.
  "unauthorized",
  "invalid_token",
  "token_expired",
  "invalid_credentials",
  "invalid_refresh_token",
  "refresh_token_reused",
  "account_erased",
  "admin_only",
  // Accounts and users.
  "username_taken",
  "already_registered",
  "identity_mismatch",
  "user_not_found",
  // Rooms and messages.
  "room_not_found",
  "room_exists",
  "not_a_member",
  "not_allowed",
  "room_private",
  "direct_room_with_self",
  "direct_room_membership_fixed",
  "owner_cannot_leave",
  "target_not_a_member",
  "message_not_found",
  "message_deleted",
  "not_the_author",
  "reply_target_not_found",
  "seq_out_of_range",
  "website_not_found",
  "website_exists",
  "domain_not_found",
  "too_many_domains",
  "too_many_agents",
  "visitor_not_allowed",
  "identity_not_verified",
  "origin_not_allowed",
  "widget_not_built",
  "membership_managed",
  "not_a_support_conversation",
  "empty_message",
  "too_many_attachments",
  "invite_not_found",
  "invite_expired",
  "invite_revoked",
  "invite_used_up",
  "invite_exists",
  "user_banned",
  // Uploads and attachments.
  "upload_not_found",
  "attachment_not_found",
  "mime_mismatch",
  "quota_exceeded",
  "image_too_large",
  "invalid_image",
  "range_not_satisfiable",
  "url_expired",
  "invalid_signature",
  // Contacts and blocking.
  "contact_with_self",
  "contact_request_not_found",
  "user_blocked",
  "direct_blocked",
  // Load and failures.
  "rate_limited",
  "busy",
  "timeout",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The fields `invalid_input` names (api.md §1, "Input limits"). */
export type InvalidInputField =
  | "username"
  | "password"
  | "display_name"
  | "name"
  | "body"
  | "client_msg_id"
  | "reaction"
  | "mentions"
  | "domain"
  | "greeting"
  | "business_hours";

/** The body of every REST error response (api.md §1, "Errors"). */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Only with `invalid_input`. */
    field?: string;
  };
}

// ---------------------------------------------------------------------------------------------
// Shared enums
// ---------------------------------------------------------------------------------------------

export type RoomKindName = "group" | "direct" | "support";
export type Visibility = "public" | "private";
export type Role = "owner" | "admin" | "member";
export type PresenceStatus = "online" | "away" | "offline";

// ---------------------------------------------------------------------------------------------
// REST: authentication and profile (api.md §2)
// ---------------------------------------------------------------------------------------------

/** `POST /v1/auth/register` */
export interface RegisterRequest {
  username: string;
  password: string;
  display_name?: string | null;
}

/** `POST /v1/auth/login` */
export interface LoginRequest {
  username: string;
  password: string;
}

/** The answer to register (201) and login (200). */
export interface SessionResponse {
  user_id: UserId;
  username: string;
  /** The access token (HS256 JWT), sent as `Authorization: Bearer …`. */
  token: string;
  expires_at: Timestamp;
  /** Opaque; works once (`POST /v1/auth/refresh`). */
  refresh_token: string;
  refresh_expires_at: Timestamp;
}

/** `POST /v1/auth/refresh` and `POST /v1/auth/logout` */
export interface RefreshRequest {
  refresh_token: string;
}

/** `POST /v1/auth/refresh` (200): a new pair; the refresh token sent is used up. */
export interface RefreshResponse {
  user_id: UserId;
  token: string;
  expires_at: Timestamp;
  refresh_token: string;
  refresh_expires_at: Timestamp;
}

/** `GET /v1/me`, `GET /v1/users/{user_id}` */
export interface UserView {
  user_id: UserId;
  username: string;
  display_name: string;
  registered_at: Timestamp;
  presence: PresenceStatus;
  /** When the status began (for `offline`: last seen); `null` if never seen. */
  presence_since: Timestamp | null;
}

/** `GET /v1/users?username=`: who a user is, as anyone may find them (no presence). */
export interface UserIdentity {
  user_id: UserId;
  username: string;
  display_name: string;
}

/** `PATCH /v1/me` (204) */
export interface UpdateProfileRequest {
  display_name: string;
}

// ---------------------------------------------------------------------------------------------
// REST: rooms (api.md §3)
// ---------------------------------------------------------------------------------------------

/** `POST /v1/rooms`, tagged by `type`. */
export type CreateRoomRequest =
  | { type: "group"; name: string; visibility?: Visibility | null }
  | { type: "direct"; user_id: UserId };

/** `POST /v1/rooms` (201 new, 200 for an existing direct room). */
export interface CreateRoomResponse {
  room_id: RoomId;
  seq: number;
}

/** The answer of most room commands (api.md §1, "Commands, `seq` and `changed`"). */
export interface CommandResult {
  /** The room's sequence after the command. */
  seq: number;
  /** `false`: already satisfied, nothing written. */
  changed: boolean;
}

// ---------------------------------------------------------------------------------------------
// REST: invites (api.md §3.12)
// ---------------------------------------------------------------------------------------------

/** `POST /v1/rooms/{room_id}/invites`: both optional (no expiry, no limit). */
export interface CreateInviteRequest {
  /** 1 to 31,622,400 (366 days). */
  expires_in_secs?: number | null;
  /** 1 to 100,000. */
  max_uses?: number | null;
}

/** A new invite: its code is answered this once. */
export interface CreatedInvite {
  code: string;
  /** Where the web client opens it: `/#/invite/<code>`. */
  url_path: string;
  invite_id: Uuid;
  expires_at: Timestamp | null;
  max_uses: number | null;
  uses: number;
  seq: number;
}

/** A live invite as its room's admins see it (never its code). */
export interface InviteSummary {
  invite_id: Uuid;
  created_by: UserId;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  max_uses: number | null;
  uses: number;
}

/** `GET /v1/rooms/{room_id}/invites` */
export interface InviteList {
  invites: InviteSummary[];
}

/** `GET /v1/invites/{code}`: the room an invite leads to, before joining. */
export interface InvitePreview {
  room_id: RoomId;
  name: string;
  member_count: number;
  is_member: boolean;
  expires_at: Timestamp | null;
  max_uses: number | null;
  uses: number;
}

// ---------------------------------------------------------------------------------------------
// REST: moderation (api.md §3.13)
// ---------------------------------------------------------------------------------------------

/** `POST /v1/rooms/{room_id}/bans` (admins ban members, the owner admins too). */
export interface BanRequest {
  user_id: UserId;
  /** 1–500 characters on one line; members see it. Blank or none: no reason. */
  reason?: string | null;
}

/** One banned user of a room, as its admins see it. */
export interface Ban {
  user_id: UserId;
  username: string | null;
  display_name: string | null;
  banned_by: UserId;
  reason: string | null;
  banned_at: Timestamp;
}

/** `GET /v1/rooms/{room_id}/bans` */
export interface BanList {
  bans: Ban[];
}

/** `PATCH /v1/rooms/{room_id}`: absent leaves a field as it is, `null` or blank clears it. */
export interface RoomSettingsRequest {
  /** 1–250 characters on one line. */
  topic?: string | null;
  /** 1–2000 characters, line breaks kept. */
  description?: string | null;
}

/** `POST /v1/invites/{code}/accept` */
export interface AcceptedInvite {
  room_id: RoomId;
  seq: number;
  /** `false`: a member already, no use taken. */
  changed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Contacts and blocking (api.md §14)
// ---------------------------------------------------------------------------------------------

/** Where you stand with another user: a contact, a request you sent or received, or nothing. */
export type Relation = "contact" | "outgoing" | "incoming";

/** Someone in your contact list or pending requests. */
export interface ContactEntry {
  user_id: UserId;
  username: string;
  display_name: string;
  /** Since when: the contact was made, or the request sent. */
  since: Timestamp;
  /** Contacts only (`null` for requests). */
  presence: PresenceStatus | null;
  presence_since: Timestamp | null;
}

/** `GET /v1/contacts` */
export interface ContactList {
  contacts: ContactEntry[];
  incoming: ContactEntry[];
  outgoing: ContactEntry[];
}

/** What every contact and block action answers. */
export interface Standing {
  relation: Relation | null;
  blocked: boolean;
  /** `false` when the action already held and wrote nothing. */
  changed: boolean;
}

/** `POST /v1/contacts/requests` */
export interface ContactRequest {
  user_id: UserId;
}

/** Someone you block. */
export interface BlockedUser {
  user_id: UserId;
  username: string;
  display_name: string;
  since: Timestamp;
}

/** `GET /v1/blocks` */
export interface BlockList {
  blocked: BlockedUser[];
}

export interface LastMessage {
  message_id: MessageId;
  seq: number;
  author_id: UserId;
  /** The first 200 characters (following edits); `""` once its author was erased. */
  preview: string;
  created_at: Timestamp;
}

/** One entry of `GET /v1/rooms` and of `ready.rooms`. */
export interface RoomSummary {
  room_id: RoomId;
  kind: RoomKindName;
  /** `null` for a direct room. */
  name: string | null;
  /** `null` for a direct room. */
  visibility: Visibility | null;
  /** A group room's topic; `null`: none. */
  topic: string | null;
  /** A group room's description; `null`: none. */
  description: string | null;
  /** Your role. */
  role: Role;
  member_count: number;
  message_count: number;
  /** The room's latest sequence as the read model knows it. */
  last_seq: number;
  /** Your read marker. */
  last_read_seq: number;
  /** How far your devices reported receiving the room (`received`); at least `last_read_seq`. */
  delivered_seq: number;
  unread_count: number;
  unread_mentions: number;
  last_message: LastMessage | null;
  created_at: Timestamp;
  last_activity_at: Timestamp;
}

/** `GET /v1/rooms?limit=&before=` */
export interface RoomPage {
  rooms: RoomSummary[];
  /** An opaque cursor for the next page; `null` on the last page. */
  next_before: string | null;
}

export interface MemberView {
  user_id: UserId;
  /** `null` if the users read model does not have the user (yet), or they were erased. */
  username: string | null;
  display_name: string | null;
  role: Role;
  joined_seq: number;
  last_read_seq: number;
  /** How far their devices have received the room; at least `last_read_seq`. */
  delivered_seq: number;
  presence: PresenceStatus;
  presence_since: Timestamp | null;
}

/** `GET /v1/rooms/{room_id}`: a room list entry plus its members. */
export interface RoomDetail extends RoomSummary {
  members: MemberView[];
}

/** One entry of `GET /v1/directory/rooms`: a public room anyone may join. */
export interface DirectoryRoom {
  room_id: RoomId;
  name: string;
  topic: string | null;
  member_count: number;
  last_activity_at: Timestamp;
  /** Whether you are a member already. */
  joined: boolean;
}

/** `PUT /v1/rooms/{room_id}/members/{user_id}/role` */
export interface ChangeRoleRequest {
  role: "admin" | "member";
}

/** `POST /v1/rooms/{room_id}/read` */
export interface MarkReadRequest {
  up_to_seq: number;
}

export interface Receipt {
  user_id: UserId;
  last_read_seq: number;
  /** Read implies delivered: at least `last_read_seq`. */
  delivered_seq: number;
}

/** `GET /v1/rooms/{room_id}/receipts` */
export interface ReceiptsResponse {
  receipts: Receipt[];
}

// ---------------------------------------------------------------------------------------------
// REST: messages (api.md §4)
// ---------------------------------------------------------------------------------------------

/** `POST /v1/rooms/{room_id}/messages` */
export interface PostMessageRequest {
  /** Left out (or `null`) for a post of files alone. */
  body?: string | null;
  /** Your idempotency key: 1–64 printable ASCII characters, reused on every retry. */
  client_msg_id: string;
  reply_to?: MessageId | null;
  mentions?: UserId[];
  /** Your uploads (`POST /v1/uploads`), at most 10. */
  attachments?: UploadId[];
}

/** `POST …/messages`: 201 new (`duplicate: false`), 200 a recognised retry (`duplicate: true`). */
export interface PostMessageResponse {
  message_id: MessageId;
  seq: number;
  duplicate: boolean;
}

/** `PATCH …/messages/{message_id}` */
export interface EditMessageRequest {
  body: string;
}

export interface ReactionView {
  reaction: string;
  count: number;
  user_ids: UserId[];
}

/** One message of the history. */
export interface MessageView {
  message_id: MessageId;
  seq: number;
  author_id: UserId;
  client_msg_id: string;
  /** `null` once deleted, or once its author was erased. */
  body: string | null;
  reply_to: MessageId | null;
  created_at: Timestamp;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
  /** The sequence of the latest event that changed it. */
  updated_seq: number;
  reactions: ReactionView[];
  /** From its attachments (a deleted message keeps its kind). */
  kind: MessageKind;
  /** In order; empty once the message is deleted. */
  attachments: Attachment[];
}

// ---------------------------------------------------------------------------------------------
// REST: uploads and attachments (api.md §13)
// ---------------------------------------------------------------------------------------------

/**
 * What sort of message a post is: `text` without files, `image` when every file is an image,
 * `file` when any is not. `system` is never a post (clients render membership and support
 * events as system lines). The server derives it in one place (`MessageKind::of_post`);
 * `messageKind` in the SDK is the same rule, for live events.
 */
export type MessageKind = "text" | "image" | "file" | "system";

/** One file of a post (history, and `MessagePosted` since event version 1.2). */
export interface Attachment {
  /** The upload's id; download it from the room as `…/attachments/{id}`. */
  id: UploadId;
  /** The sanitised file name; `null` once the uploader was erased. */
  name: string | null;
  /** Sniffed from the bytes, e.g. `image/png`. */
  mime: string;
  size: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  /** Pixels, for images; `null` otherwise. */
  width: number | null;
  height: number | null;
  /** Whether a thumbnail was made (images). */
  thumbnail: boolean;
}

/**
 * `GET /v1/client-config` (no auth): what a browser app needs before it connects (api.md §1.3).
 */
export interface ClientConfig {
  /**
   * The gateways' WebSocket URLs, tried in turn: absolute (`wss://…/v1/ws`), a path on the
   * page's host (`/v1/ws`), or a port and path on the page's host name (`:8081/v1/ws`).
   */
  gateways: string[];
  uploads: UploadLimits;
}

/** The server's limits on uploads (api.md §13.1), so that clients refuse a file before sending it. */
export interface UploadLimits {
  /** The largest file accepted (`CHAT_UPLOAD_MAX_BYTES`); larger ones are `413 payload_too_large`. */
  max_file_bytes: number;
  /** What one user's uploads may add up to (`CHAT_UPLOAD_QUOTA_BYTES`; `413 quota_exceeded`). */
  quota_bytes: number;
}

/** `POST /v1/uploads` (201). */
export interface UploadView {
  upload_id: UploadId;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  thumbnail: boolean;
  created_at: Timestamp;
  /** Unless a post names it by then, the upload is deleted after this. */
  expires_at: Timestamp;
}

/** `GET /v1/rooms/{room_id}/attachments/{attachment_id}/links`: signed, short-lived URLs. */
export interface AttachmentLinks {
  /** Path and query on the API's origin (prefix the base URL); works without a token. */
  url: string;
  thumbnail_url: string | null;
  expires_at: Timestamp;
}

/** `GET /v1/rooms/{room_id}/messages?before=&limit=`: newest first. */
export interface HistoryPage {
  messages: MessageView[];
  /** Pass as `before` for the next (older) page; `null` when the page was not full. */
  next_before: number | null;
  /** The system lines between this page's oldest message and `before`, newest first (api.md §4.2). */
  system: SystemLine[];
}

/** A room event that clients show as a line of its own (joins, leaves, roles, support actions). */
export interface SystemLine {
  seq: number;
  at: Timestamp;
  event: RoomEvent;
}

// ---------------------------------------------------------------------------------------------
// REST: search (api.md §2.9, §4.6)
// ---------------------------------------------------------------------------------------------

/** The kinds of messages a search finds (`system` lines are not searchable). */
export type SearchableKind = "text" | "image" | "file";

/** `relevance`: best match first, then newest; `recent`: newest first. */
export type SearchOrder = "relevance" | "recent";

/** One message found by `GET /v1/search`. */
export interface SearchHit {
  message_id: MessageId;
  room_id: RoomId;
  /** `null` for direct rooms and support conversations. */
  room_name: string | null;
  seq: number;
  author_id: UserId;
  created_at: Timestamp;
  edited_at: Timestamp | null;
  kind: SearchableKind;
  has_attachments: boolean;
  /**
   * HTML-escaped text whose only tags are `<mark>` and `</mark>` around the matches; turn it
   * into text and marks with `snippetParts`, never into HTML.
   */
  snippet: string;
}

/** `GET /v1/search`: a page of results. */
export interface SearchResults {
  results: SearchHit[];
  /** Pass as `cursor` (with the same other parameters) for the next page; `null` on the last. */
  next_cursor: string | null;
}

/** `GET /v1/users/search`: people who share a room with you, by the start of a name. */
export interface DirectoryResults {
  users: UserIdentity[];
}

// ---------------------------------------------------------------------------------------------
// REST: support-chat websites (api.md §11)
// ---------------------------------------------------------------------------------------------

/** A website with support chat. */
export type WebsiteId = Uuid;

/** A role on a website's team: the owner changes the website, agents answer its visitors. */
export type AgentRole = "owner" | "agent";

/** `POST /v1/websites` and `PATCH /v1/websites/{website_id}`: 1–100 characters on one line. */
export interface WebsiteNameRequest {
  name: string;
}

/** `POST /v1/websites` (201). */
export interface CreatedWebsite {
  website_id: WebsiteId;
}

/** The answer of the website commands: `changed: false` when it already was as asked. */
export interface WebsiteReply {
  changed: boolean;
}

/** One entry of `GET /v1/websites`: a website of the caller's, by name. */
export interface WebsiteSummary {
  website_id: WebsiteId;
  name: string;
  /** Your role. */
  role: AgentRole;
  domain_count: number;
  verified_domain_count: number;
}

/** `GET /v1/websites` */
export interface WebsiteList {
  websites: WebsiteSummary[];
}

export const COLOR_PRESETS = ["blue", "green", "purple", "orange", "red", "dark"] as const;
export type ColorPreset = (typeof COLOR_PRESETS)[number];
export const WIDGET_SIZES = ["small", "medium", "large"] as const;
export type WidgetSize = (typeof WIDGET_SIZES)[number];
/** `auto` follows the visitor's browser. */
export const WIDGET_LANGUAGES = ["auto", "en", "de"] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];
/** The bottom corner the launcher sits in. */
export const WIDGET_POSITIONS = ["right", "left"] as const;
export type WidgetPosition = (typeof WIDGET_POSITIONS)[number];

/** Seven entries, Monday first. */
export type Week<T> = [T, T, T, T, T, T, T];

/** One day's opening hours in minutes after midnight: `opens < closes ≤ 1440`. */
export interface DayHours {
  opens: number;
  closes: number;
}

/** A weekly schedule in one IANA time zone (`Europe/Berlin`, `UTC`); `null`: closed that day. */
export interface BusinessHours {
  time_zone: string;
  days: Week<DayHours | null>;
}

/**
 * The widget's whole configuration: what `GET /v1/websites/{website_id}` shows as `settings`,
 * and what `PUT /v1/websites/{website_id}/widget` replaces it with (every field, api.md §11.2).
 */
export interface WidgetSettings {
  color: ColorPreset;
  size: WidgetSize;
  language: WidgetLanguage;
  position: WidgetPosition;
  /** 1–200 characters on one line; `null`: the language's default. */
  greeting: string | null;
  /** Ask visitors for a name and an email address before their first message. */
  pre_chat_form: boolean;
  /** `null`: agents answer at any time. */
  business_hours: BusinessHours | null;
}

/** `pending` until the first check, then `verified` or `failed`. */
export type DomainStatus = "pending" | "verified" | "failed";

/** Where a check found the token. */
export type VerificationMethod = "well_known_file" | "meta_tag";

/** Why a check did not find the token (api.md §11.1). */
export type VerificationFailure =
  | "token_not_found"
  | "token_mismatch"
  | "unreachable"
  | "timeout"
  | "too_large"
  | "too_many_redirects"
  | "forbidden_address"
  | "bad_status"
  | "not_text";

/** A domain of a website and its verification state. */
export interface DomainView {
  /** `host[:port]`, lower case. */
  domain: string;
  /** What to publish (`chat-` and 32 hex digits). */
  token: string;
  status: DomainStatus;
  /** How it was verified, when it is. */
  method: VerificationMethod | null;
  /** Why the last check failed, when it did. */
  failure: VerificationFailure | null;
  checked_at: Timestamp | null;
  added_at: Timestamp;
}

/** A member of a website's team (the owner is one too). */
export interface AgentView {
  user_id: UserId;
  username: string;
  display_name: string;
  role: AgentRole;
  added_at: Timestamp;
}

/** `GET /v1/websites/{website_id}`: everything its team may see. */
export interface WebsiteDetail {
  website_id: WebsiteId;
  name: string;
  owner_id: UserId;
  /** Your role. */
  role: AgentRole;
  settings: WidgetSettings;
  created_at: Timestamp;
  domains: DomainView[];
  agents: AgentView[];
}

/** `POST /v1/websites/{website_id}/domains`: a host name or IPv4 address, optional `:port`. */
export interface DomainRequest {
  domain: string;
}

/** `POST /v1/websites/{website_id}/domains`: 201 listed now, 200 listed before (its first token). */
export interface AddedDomain {
  domain: string;
  token: string;
}

/** `POST /v1/websites/{website_id}/domains/{domain}/check`: a failed check is an answer too. */
export interface DomainCheck {
  domain: string;
  verified: boolean;
  method: VerificationMethod | null;
  failure: VerificationFailure | null;
}

/** `POST /v1/websites/{website_id}/agents`: the user's login name (any case). */
export interface AgentRequest {
  username: string;
}

/** `POST /v1/websites/{website_id}/agents` (200). */
export interface AddedAgent {
  user_id: UserId;
  /** `false` when they were on the team already. */
  changed: boolean;
}

/**
 * `GET`/`POST /v1/websites/{website_id}/identity-secret` (the owner, api.md §12.4): the key the
 * website's server signs its users' ids with, `hex(HMAC-SHA256(secret, user_id))`; `null` until made.
 */
export interface IdentitySecret {
  secret: string | null;
}

// ---------------------------------------------------------------------------------------------
// REST: support conversations, the agents' side (api.md §12.2)
// ---------------------------------------------------------------------------------------------

/** `open` until an agent resolves it; `resolved` until someone writes again (or reopens it). */
export type ConversationStatus = "open" | "resolved";

/**
 * What `GET /v1/websites/{website_id}/conversations?status=` lists: `open` (the default), `mine`
 * (open, assigned to you), `unassigned` (open, nobody's), `resolved`.
 */
export const INBOX_FILTERS = ["open", "mine", "unassigned", "resolved"] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

/** One conversation of a website's inbox. */
export interface InboxConversation {
  room_id: RoomId;
  visitor_id: UserId;
  /** The pre-chat form's name, or `Visitor 3F9A`; `null` once the visitor was erased. */
  visitor_name: string | null;
  /** The address they gave (pre-chat form) or the website passed on; `null` if none. */
  visitor_email: string | null;
  /** The website's own id for them once its server vouched for it (identity verification). */
  visitor_external_id: string | null;
  visitor_presence: PresenceStatus;
  status: ConversationStatus;
  /** The agent it is assigned to, or `null`. */
  assignee_id: UserId | null;
  /** Whether you are in it (an agent added after it started joins it to read it). */
  joined: boolean;
  /** When joined: messages after your read marker, by others. */
  unread_count: number;
  /** The room's latest sequence as the read model knows it. */
  last_seq: number;
  last_message_preview: string | null;
  last_message_author: UserId | null;
  last_message_at: Timestamp | null;
  /** Where the visitor was when they started it (`null` if unknown, or once erased). */
  page_url: string | null;
  referrer: string | null;
  /** A BCP 47 tag. */
  language: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_activity_at: Timestamp;
}

/** `GET /v1/websites/{website_id}/conversations`: most recently active first. */
export interface InboxList {
  conversations: InboxConversation[];
}

/** `POST /v1/rooms/{room_id}/assign`: an agent of the website, or `null` to unassign. */
export interface AssignRequest {
  user_id: UserId | null;
}

// ---------------------------------------------------------------------------------------------
// Room events (api.md §5, protocol.md §4 `event`, domain/src/room/events.rs)
// ---------------------------------------------------------------------------------------------

export type RoomKind =
  | { type: "group"; name: string; visibility: Visibility }
  | { type: "direct"; members: [UserId, UserId] }
  | { type: "support"; website_id: WebsiteId; visitor: UserId };

/** Event version 1.0. */
export interface RoomCreated {
  type: "RoomCreated";
  kind: RoomKind;
  created_by: UserId;
}

/** Event version 1.0. */
export interface MemberJoined {
  type: "MemberJoined";
  user_id: UserId;
  role: Role;
  /** `null` when they joined by themselves or at creation. */
  added_by: UserId | null;
}

/** Event version 1.0. */
export interface MemberLeft {
  type: "MemberLeft";
  user_id: UserId;
  /** `null` when they left by themselves. */
  removed_by: UserId | null;
}

/** Event version 1.0. */
export interface MemberRoleChanged {
  type: "MemberRoleChanged";
  user_id: UserId;
  role: Role;
  changed_by: UserId;
}

/**
 * Event version 1.2 (1.1 added `mentions`, 1.2 `attachments`; older posts arrive upcast with
 * `[]`).
 */
export interface MessagePosted {
  type: "MessagePosted";
  message_id: MessageId;
  author: UserId;
  /** `""` for a post of files alone; `null` once the author was erased (then `redacted: true`). */
  body: string | null;
  client_msg_id: string;
  reply_to: MessageId | null;
  mentions: UserId[];
  attachments: Attachment[];
  redacted?: true;
}

/** Event version 1.0. */
export interface MessageEdited {
  type: "MessageEdited";
  message_id: MessageId;
  /** The new text; `null` once the author was erased (then `redacted: true`). */
  body: string | null;
  edited_by: UserId;
  redacted?: true;
}

/** Event version 1.0. */
export interface MessageDeleted {
  type: "MessageDeleted";
  message_id: MessageId;
  deleted_by: UserId;
}

/** Event version 1.0. */
export interface ReactionAdded {
  type: "ReactionAdded";
  message_id: MessageId;
  user_id: UserId;
  reaction: string;
}

/** Event version 1.0. */
export interface ReactionRemoved {
  type: "ReactionRemoved";
  message_id: MessageId;
  user_id: UserId;
  reaction: string;
}

/** Event version 1.0. Read up to and including `up_to_seq`. */
export interface ReadMarkerMoved {
  type: "ReadMarkerMoved";
  user_id: UserId;
  up_to_seq: number;
}

/** Event version 1.0. A support conversation: where its visitor was when they started it
 * (each field `null` when unknown, or once the visitor was erased). */
export interface VisitorContextRecorded {
  type: "VisitorContextRecorded";
  visitor: UserId;
  page_url: string | null;
  referrer: string | null;
  language: string | null;
  user_agent: string | null;
}

/** Event version 1.0. A support conversation was assigned to an agent (`null`: unassigned). */
export interface ConversationAssigned {
  type: "ConversationAssigned";
  assignee: UserId | null;
  assigned_by: UserId;
}

/** Event version 1.0. */
export interface ConversationResolved {
  type: "ConversationResolved";
  resolved_by: UserId;
}

/** Event version 1.0. By an agent, or by the visitor writing to it (their post follows). */
export interface ConversationReopened {
  type: "ConversationReopened";
  reopened_by: UserId;
}

/** Event version 1.0. An admin or the owner made an invite; never its code (api.md §3.12). */
export interface InviteCreated {
  type: "InviteCreated";
  invite_id: Uuid;
  created_by: UserId;
  expires_at: Timestamp | null;
  max_uses: number | null;
}

/** Event version 1.0. */
export interface InviteRevoked {
  type: "InviteRevoked";
  invite_id: Uuid;
  revoked_by: UserId;
}

/** Event version 1.0. Someone joined with an invite; their `MemberJoined` follows. */
export interface InviteAccepted {
  type: "InviteAccepted";
  invite_id: Uuid;
  user_id: UserId;
}

/** Event version 1.0. A member's `MemberLeft` (removed by the moderator) follows (api.md §3.13). */
export interface MemberBanned {
  type: "MemberBanned";
  user_id: UserId;
  banned_by: UserId;
  reason: string | null;
}

/** Event version 1.0. They may join again; they are not added back. */
export interface MemberUnbanned {
  type: "MemberUnbanned";
  user_id: UserId;
  unbanned_by: UserId;
}

/** Event version 1.0. `null`: cleared. */
export interface RoomTopicChanged {
  type: "RoomTopicChanged";
  topic: string | null;
  changed_by: UserId;
}

/** Event version 1.0. `null`: cleared. */
export interface RoomDescriptionChanged {
  type: "RoomDescriptionChanged";
  description: string | null;
  changed_by: UserId;
}

/** Event version 1.0. Every member's `MemberLeft` follows; the room is gone for good. */
export interface RoomDeleted {
  type: "RoomDeleted";
  deleted_by: UserId;
}

export type RoomEvent =
  | RoomCreated
  | MemberJoined
  | MemberLeft
  | MemberRoleChanged
  | MessagePosted
  | MessageEdited
  | MessageDeleted
  | ReactionAdded
  | ReactionRemoved
  | ReadMarkerMoved
  | VisitorContextRecorded
  | ConversationAssigned
  | ConversationResolved
  | ConversationReopened
  | InviteCreated
  | InviteRevoked
  | InviteAccepted
  | MemberBanned
  | MemberUnbanned
  | RoomTopicChanged
  | RoomDescriptionChanged
  | RoomDeleted;

export type RoomEventType = RoomEvent["type"];

/** The events clients show as system lines (`RoomEvent::SYSTEM_LINES` on the server, api.md §4.2). */
export const SYSTEM_LINE_TYPES = [
  "RoomCreated",
  "MemberJoined",
  "MemberLeft",
  "MemberRoleChanged",
  "ConversationAssigned",
  "ConversationResolved",
  "ConversationReopened",
  "MemberBanned",
  "MemberUnbanned",
  "RoomTopicChanged",
  "RoomDescriptionChanged",
  "RoomDeleted",
] as const satisfies readonly RoomEventType[];

export type SystemLineEvent = Extract<RoomEvent, { type: (typeof SYSTEM_LINE_TYPES)[number] }>;

/** Whether clients show `event` as a system line. */
export function isSystemLineEvent(event: RoomEvent): event is SystemLineEvent {
  return (SYSTEM_LINE_TYPES as readonly string[]).includes(event.type);
}

/** The current schema version of each event type (`event_version` of an `event` frame). */
export const EVENT_VERSIONS: { readonly [T in RoomEventType]: string } = {
  RoomCreated: "1.0",
  MemberJoined: "1.0",
  MemberLeft: "1.0",
  MemberRoleChanged: "1.0",
  MessagePosted: "1.2",
  MessageEdited: "1.0",
  MessageDeleted: "1.0",
  ReactionAdded: "1.0",
  ReactionRemoved: "1.0",
  ReadMarkerMoved: "1.0",
  VisitorContextRecorded: "1.0",
  ConversationAssigned: "1.0",
  ConversationResolved: "1.0",
  ConversationReopened: "1.0",
  InviteCreated: "1.0",
  InviteRevoked: "1.0",
  InviteAccepted: "1.0",
  MemberBanned: "1.0",
  MemberUnbanned: "1.0",
  RoomTopicChanged: "1.0",
  RoomDescriptionChanged: "1.0",
  RoomDeleted: "1.0",
};

// ---------------------------------------------------------------------------------------------
// WebSocket: client frames (protocol.md §3)
// ---------------------------------------------------------------------------------------------

/** The first frame, and only the first. A bad one closes with 4001. */
export interface IdentifyFrame {
  type: "identify";
  token: string;
  /** `{room_id: last seq processed}`; `0` means from the start of the room. */
  resume?: Record<RoomId, number>;
  id?: string | null;
}

export interface PingFrame {
  type: "ping";
  id?: string | null;
}

export interface TypingClientFrame {
  type: "typing";
  room_id: RoomId;
  /** Default `true`. */
  typing?: boolean;
  id?: string | null;
}

export interface PresenceClientFrame {
  type: "presence";
  status: "away" | "online";
  id?: string | null;
}

/** "This device has received the room up to and including `up_to_seq`" (no answer). */
export interface ReceivedClientFrame {
  type: "received";
  room_id: RoomId;
  up_to_seq: number;
  id?: string | null;
}

/** Every command carries an `id` (≤ 64 characters) echoed by its `ack` or `error`. */
interface CommandFrameBase {
  id: string;
  room_id: RoomId;
}

export interface PostCommandFrame extends CommandFrameBase {
  type: "post";
  /** Left out for a post of files alone. */
  body?: string;
  client_msg_id: string;
  reply_to?: MessageId | null;
  mentions?: UserId[];
  attachments?: UploadId[];
}

export interface EditCommandFrame extends CommandFrameBase {
  type: "edit";
  message_id: MessageId;
  body: string;
}

export interface DeleteCommandFrame extends CommandFrameBase {
  type: "delete";
  message_id: MessageId;
}

export interface ReactCommandFrame extends CommandFrameBase {
  type: "react";
  message_id: MessageId;
  /** Plain JSON text (not percent-encoded). */
  reaction: string;
}

export interface UnreactCommandFrame extends CommandFrameBase {
  type: "unreact";
  message_id: MessageId;
  reaction: string;
}

export interface MarkReadCommandFrame extends CommandFrameBase {
  type: "mark_read";
  up_to_seq: number;
}

export type CommandFrame =
  | PostCommandFrame
  | EditCommandFrame
  | DeleteCommandFrame
  | ReactCommandFrame
  | UnreactCommandFrame
  | MarkReadCommandFrame;

export type ClientFrame = IdentifyFrame | PingFrame | TypingClientFrame | PresenceClientFrame | ReceivedClientFrame | CommandFrame;

// ---------------------------------------------------------------------------------------------
// WebSocket: server frames (protocol.md §4)
// ---------------------------------------------------------------------------------------------

export interface HelloFrame {
  type: "hello";
  /** `1`. */
  protocol: number;
  gateway_id: string;
  heartbeat_interval_ms: number;
  typing_renew_ms: number;
}

export interface ReadyFrame {
  type: "ready";
  session_id: Uuid;
  user_id: UserId;
  /** For display only: it comes from a read model and may trail. */
  rooms: RoomSummary[];
}

export interface EventFrame {
  type: "event";
  room_id: RoomId;
  /** 1, 2, 3, … per room, with no gaps. */
  seq: number;
  event: RoomEvent;
  event_version: string;
  actor: UserId | null;
  at: Timestamp;
}

export type ResumeFailure = "not_a_member" | "unknown_position";

export interface ResumedFrame {
  type: "resumed";
  room_id: RoomId;
  recovered: boolean;
  from_seq: number;
  to_seq: number;
  reason: ResumeFailure | null;
}

export interface AckFrame {
  type: "ack";
  id: string;
  seq: number;
  /** The message's id for `post`, `null` otherwise. */
  message_id: MessageId | null;
  /** For a `post`, `false` is a recognised retry (REST's `duplicate: true`). */
  changed: boolean;
}

export interface ErrorFrame {
  type: "error";
  id: string | null;
  code: ErrorCode;
  message: string;
  field: string | null;
  /** With `rate_limited` only. */
  retry_after_ms?: number;
}

export interface TypingServerFrame {
  type: "typing";
  room_id: RoomId;
  user_id: UserId;
  typing: boolean;
}

export interface PongFrame {
  type: "pong";
  id: string | null;
}

/** A member's delivery marker moved (rooms of at most `LIVE_RECEIPTS_MAX_MEMBERS` members). */
export interface ReceiptServerFrame {
  type: "receipt";
  room_id: RoomId;
  user_id: UserId;
  /** Their devices have received the room up to here (at least `read_seq`). */
  delivered_seq: number;
  /** Their read marker as the server knew it then (`ReadMarkerMoved` events say it first). */
  read_seq: number;
}

export interface PresenceEntry {
  user_id: UserId;
  status: PresenceStatus;
  since: Timestamp;
}

export interface PresenceServerFrame {
  type: "presence";
  users: PresenceEntry[];
}

/** A change to your own side of your contacts or blocks, as your `contacts` stream recorded it. */
export type ContactsEvent =
  | { type: "ContactRequestSent"; user: UserId }
  | { type: "ContactRequestReceived"; user: UserId }
  | { type: "ContactAdded"; user: UserId }
  | { type: "ContactRequestDeclined"; user: UserId }
  | { type: "ContactRequestCancelled"; user: UserId }
  | { type: "ContactRemoved"; user: UserId }
  | { type: "UserBlocked"; user: UserId }
  | { type: "UserUnblocked"; user: UserId };

export interface ContactsServerFrame {
  type: "contacts";
  event: ContactsEvent;
  at: Timestamp;
}

export interface ReconnectFrame {
  type: "reconnect";
  reason: "server_draining";
}

export type ServerFrame =
  | HelloFrame
  | ReadyFrame
  | EventFrame
  | ResumedFrame
  | AckFrame
  | ErrorFrame
  | TypingServerFrame
  | PongFrame
  | ReceiptServerFrame
  | PresenceServerFrame
  | ReconnectFrame
  | ContactsServerFrame;

// ---------------------------------------------------------------------------------------------
// WebSocket: close codes (protocol.md §9)
// ---------------------------------------------------------------------------------------------

export const CloseCode = {
  /** You closed on purpose (the gateway echoes your close frame). */
  Normal: 1000,
  /** No close frame: the process died or the network broke. */
  Abnormal: 1006,
  /** A frame over 64 KiB. Reconnect with resume; do not resend that frame. */
  MessageTooBig: 1009,
  /** The gateway cannot reach what it needs. Back off and resume. */
  TryAgainLater: 1013,
  /** Bad or expired token, bad first frame, or an erased account. Get a new token first. */
  AuthenticationFailed: 4001,
  /** No `identify` within 10 s of `hello`. */
  IdentifyTimeout: 4002,
  /** Nothing received for 3 heartbeat intervals. */
  HeartbeatTimeout: 4003,
  /** The send queue overflowed. Reconnect (a little jitter) and resume. */
  TooSlow: 4008,
  /** The gateway is shutting down. Reconnect at once (a little jitter) elsewhere. */
  ServerDraining: 4009,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** `hello.protocol` of the protocol these types describe. */
export const PROTOCOL_VERSION = 1;

/** Rooms with more members than this get no live `receipt` frames (protocol.md §4 `receipt`). */
export const LIVE_RECEIPTS_MAX_MEMBERS = 100;

/** Maximum size of one WebSocket frame in either direction, in bytes. */
export const MAX_FRAME_BYTES = 65_536;
