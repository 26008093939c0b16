/**
 * The support widget's REST routes (api.md §12.1), for the widget a website embeds: what the
 * widget shows (`widget`), a new anonymous visitor (`createVisitor`), and, with that visitor's
 * token, their conversations (`conversations`, `startConversation`) and who they are on the
 * website (`identify`).
 *
 * A visitor is a user whose token reaches only these routes and their own conversations, so
 * everything else a widget does goes through the ordinary clients: hand the visitor's session
 * to a `ChatApi` (`visitorCredentials`) for history, posts, read markers and the token refresh
 * (`POST /v1/auth/refresh` renews a visitor like anyone), and that `ChatApi` to a `ChatSession`
 * for the live conversation. A `VisitorApi` given the same `ChatApi` as `auth` shares its token
 * and its single-flight refresh.
 */

import type { ConversationStatus, RoomId, Timestamp, UserId, WebsiteId, WidgetSettings } from "./contract";
import { ChatApiError } from "./errors";
import type { Credentials } from "./rest";
import { type FetchLike, exchange } from "./transport";

/** `GET /v1/widget/{website_id}`: what the widget shows of a website. */
export interface WidgetView {
  website_id: WebsiteId;
  name: string;
  settings: WidgetSettings;
  /** Whether an agent of the website is online now. */
  agents_online: boolean;
}

/** `POST /v1/widget/{website_id}/visitors`: the pre-chat form's name (1–64 characters) and email, if given. */
export interface CreateVisitorRequest {
  display_name?: string | null;
  email?: string | null;
}

/**
 * `POST /v1/widget/{website_id}/identify` (api.md §12.4): the website's user, as its server signed
 * it: `user_hash = hex(HMAC-SHA256(identity secret, user_id))`.
 */
export interface IdentifyRequest {
  user_id: string;
  user_hash: string;
  display_name?: string | null;
  email?: string | null;
}

/** `POST /v1/widget/{website_id}/visitors` (201): the visitor's session. */
export interface VisitorSession {
  visitor_id: UserId;
  /** The given name, or `Visitor` and four hex digits. */
  display_name: string;
  token: string;
  expires_at: Timestamp;
  /** Keep it: it brings the visitor back to their conversations (a reload, the next day). */
  refresh_token: string;
  refresh_expires_at: Timestamp;
}

/** One of the visitor's conversations. */
export interface VisitorConversation {
  room_id: RoomId;
  status: ConversationStatus;
  /** The room's latest sequence as the read model knows it. */
  last_seq: number;
  /** Messages by agents after the visitor's read marker. */
  unread_count: number;
  created_at: Timestamp;
  last_activity_at: Timestamp;
}

/** `GET /v1/widget/{website_id}/conversations`: most recently active first. */
export interface VisitorConversations {
  conversations: VisitorConversation[];
}

/**
 * `POST /v1/widget/{website_id}/conversations`: where the visitor writes from, as the website's
 * agents will see it. `page_url` and `referrer` are http(s) URLs of at most 2048 characters,
 * `language` a BCP 47 tag (`de-DE`).
 */
export interface StartConversationRequest {
  page_url?: string | null;
  referrer?: string | null;
  language?: string | null;
}

/** `POST /v1/widget/{website_id}/conversations` (201). */
export interface StartedConversation {
  room_id: RoomId;
  /** The room's sequence after it started: a session may resume the room from here. */
  seq: number;
}

/** Where a visitor's access token comes from (a `ChatApi` holding the visitor's credentials). */
export interface TokenSource {
  accessToken(): Promise<string>;
  renewAccessToken(rejected: string): Promise<string>;
}

export interface VisitorApiOptions {
  /** The API's origin, e.g. `http://127.0.0.1:8080` (no trailing `/v1`). */
  baseUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** The visitor's token, for `conversations` and `startConversation`. */
  auth?: TokenSource;
}

interface Request {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

export class VisitorApi {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly auth: TokenSource | null;

  constructor(options: VisitorApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.auth = options.auth ?? null;
  }

  /** `GET /v1/widget/{website_id}` (no token); `website_not_found` until a domain is verified. */
  widget(websiteId: WebsiteId): Promise<WidgetView> {
    return this.send<WidgetView>({ method: "GET", path: widgetPath(websiteId) });
  }

  /** `POST /v1/widget/{website_id}/visitors` (no token); `rate_limited` per address and website. */
  createVisitor(websiteId: WebsiteId, request: CreateVisitorRequest = {}): Promise<VisitorSession> {
    return this.send<VisitorSession>({ method: "POST", path: `${widgetPath(websiteId)}/visitors`, body: request });
  }

  /** `GET /v1/widget/{website_id}/conversations` (the visitor's token): most recent first. */
  async conversations(websiteId: WebsiteId): Promise<VisitorConversation[]> {
    const answer = await this.authorized<VisitorConversations>({ method: "GET", path: `${widgetPath(websiteId)}/conversations` });
    return answer.conversations;
  }

  /** `POST /v1/widget/{website_id}/conversations` (the visitor's token): a new conversation. */
  startConversation(websiteId: WebsiteId, request: StartConversationRequest = {}): Promise<StartedConversation> {
    return this.authorized<StartedConversation>({ method: "POST", path: `${widgetPath(websiteId)}/conversations`, body: request });
  }

  /**
   * `POST /v1/widget/{website_id}/identify` (the visitor's token): the session of the visitor who
   * is that website user — this one, or the one they are on another device; continue with it.
   * `identity_not_verified` for a signature that does not verify.
   */
  identify(websiteId: WebsiteId, request: IdentifyRequest): Promise<VisitorSession> {
    return this.authorized<VisitorSession>({ method: "POST", path: `${widgetPath(websiteId)}/identify`, body: request });
  }

  /** With the visitor's token; once more with a renewed one after a `401` a new token may cure. */
  private async authorized<T>(request: Request): Promise<T> {
    if (this.auth === null) {
      throw new ChatApiError({ status: 401, code: "unauthorized", message: "no visitor session" });
    }
    const token = await this.auth.accessToken();
    try {
      return await this.send<T>(request, token);
    } catch (error) {
      const renewable = error instanceof ChatApiError && error.status === 401 && error.code !== "account_erased";
      if (!renewable) throw error;
    }
    return this.send<T>(request, await this.auth.renewAccessToken(token));
  }

  private async send<T>(request: Request, token?: string): Promise<T> {
    const url = this.baseUrl + request.path;
    const answer = await exchange<T>(this.fetchImpl, { ...request, url, ...(token === undefined ? {} : { token }) });
    return answer.body;
  }
}

/** A visitor's session as the `Credentials` a `ChatApi` starts from (and refreshes). */
export function visitorCredentials(session: VisitorSession): Credentials {
  return {
    userId: session.visitor_id,
    token: session.token,
    expiresAt: session.expires_at,
    refreshToken: session.refresh_token,
    refreshExpiresAt: session.refresh_expires_at,
  };
}

function widgetPath(websiteId: WebsiteId): string {
  return `/v1/widget/${encodeURIComponent(websiteId)}`;
}
