import { describe, expect, it } from "vitest";

import { ChatApiError, ChatNetworkError } from "../../src/errors";
import { ChatApi, type Credentials } from "../../src/rest";
import { fakeFetch, json } from "./fakes";

const LOGIN: Credentials = {
  userId: "u-1",
  token: "old",
  expiresAt: null,
  refreshToken: "r-1",
  refreshExpiresAt: null,
};

const REFRESHED = { user_id: "u-1", token: "new", expires_at: "2999-01-01T00:00:00Z", refresh_token: "r-2", refresh_expires_at: "2999-01-01T00:00:00Z" };

describe("ChatApi: errors", () => {
  it("turns an error body into a ChatApiError with code, field, request id and Retry-After", async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "2", "x-request-id": "req-7" }),
    );
    const api = new ChatApi({ baseUrl: "http://api/", fetch, credentials: LOGIN });
    const error = await api.postMessage("room", "hi").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "slow down", requestId: "req-7", retryAfterMs: 2000, retryable: true });
  });

  it("names the field of invalid_input", async () => {
    const { fetch } = fakeFetch(() => json(422, { error: { code: "invalid_input", field: "body", message: "must not be empty" } }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.postMessage("room", "")).rejects.toMatchObject({ code: "invalid_input", field: "body" });
  });

  it("reports no answer as a ChatNetworkError that carries the request id it sent", async () => {
    const api = new ChatApi({
      baseUrl: "http://api",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
      credentials: LOGIN,
    });
    const error = await api.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatNetworkError);
    expect((error as ChatNetworkError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("ChatApi: tokens", () => {
  it("refreshes once on a 401 token_expired and retries the request with the new token", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/v1/auth/refresh")) return json(200, REFRESHED);
      if (call.authorization === "Bearer old") return json(401, { error: { code: "token_expired", message: "expired" } });
      return json(200, { user_id: "u-1", username: "alice", display_name: "Alice", registered_at: "x", presence: "online", presence_since: null });
    });
    const saved: Array<Credentials | null> = [];
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN, onCredentials: (c) => saved.push(c) });
    await expect(api.me()).resolves.toMatchObject({ username: "alice" });
    expect(calls.map((call) => [call.url.replace("http://api", ""), call.authorization])).toEqual([
      ["/v1/me", "Bearer old"],
      ["/v1/auth/refresh", null],
      ["/v1/me", "Bearer new"],
    ]);
    expect(calls[1]?.body).toEqual({ refresh_token: "r-1" });
    expect(saved).toEqual([{ userId: "u-1", token: "new", expiresAt: REFRESHED.expires_at, refreshToken: "r-2", refreshExpiresAt: REFRESHED.refresh_expires_at }]);
  });

  it("shares one refresh among concurrent requests (a refresh token works once)", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/v1/auth/refresh")) return json(200, REFRESHED);
      if (call.authorization === "Bearer old") return json(401, { error: { code: "token_expired", message: "expired" } });
      return json(200, { receipts: [] });
    });
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await Promise.all([api.receipts("a"), api.receipts("b"), api.receipts("c")]);
    expect(calls.filter((call) => call.url.endsWith("/v1/auth/refresh"))).toHaveLength(1);
  });

  it("does not loop: a second 401 after the refresh is the caller's", async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith("/v1/auth/refresh") ? json(200, REFRESHED) : json(401, { error: { code: "invalid_token", message: "no" } }),
    );
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.me()).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    expect(calls).toHaveLength(3);
  });

  it("refreshes ahead of time when the token is about to expire", async () => {
    const { fetch, calls } = fakeFetch((call) => (call.url.endsWith("/v1/auth/refresh") ? json(200, REFRESHED) : json(200, { receipts: [] })));
    const api = new ChatApi({
      baseUrl: "http://api",
      fetch,
      credentials: { ...LOGIN, expiresAt: "2026-01-01T00:00:10Z" },
      now: () => Date.parse("2026-01-01T00:00:00Z"),
    });
    await api.receipts("a");
    expect(calls.map((call) => call.authorization)).toEqual([null, "Bearer new"]);
  });

  it("ends the login when the refresh is refused, and says so once", async () => {
    const { fetch } = fakeFetch((call) =>
      call.url.endsWith("/v1/auth/refresh")
        ? json(401, { error: { code: "refresh_token_reused", message: "revoked" } })
        : json(401, { error: { code: "token_expired", message: "expired" } }),
    );
    const lost: string[] = [];
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN, onAuthLost: (error) => lost.push(error.code) });
    await expect(api.me()).rejects.toMatchObject({ code: "refresh_token_reused", authLost: true });
    expect(lost).toEqual(["refresh_token_reused"]);
    expect(api.credentials).toBeNull();
  });

  it("surfaces account_erased without trying to refresh", async () => {
    const { fetch, calls } = fakeFetch(() => json(401, { error: { code: "account_erased", message: "erased" } }));
    const lost: string[] = [];
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN, onAuthLost: (error) => lost.push(error.code) });
    await expect(api.rooms()).rejects.toMatchObject({ code: "account_erased" });
    expect(calls).toHaveLength(1);
    expect(lost).toEqual(["account_erased"]);
  });
});

describe("ChatApi: requests", () => {
  it("percent-encodes reactions and sends JSON bodies only where the route takes one", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { seq: 3, changed: true }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await api.react("r", "m", "👍");
    await api.markRead("r", 7);
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ["PUT", "http://api/v1/rooms/r/messages/m/reactions/%F0%9F%91%8D", undefined],
      ["POST", "http://api/v1/rooms/r/read", { up_to_seq: 7 }],
    ]);
  });

  it("tells a new direct room (201) from an existing one (200)", async () => {
    let status = 201;
    const { fetch } = fakeFetch(() => json(status, { room_id: "d", seq: 3 }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.openDirectRoom("u-2")).resolves.toEqual({ room_id: "d", seq: 3, created: true });
    status = 200;
    await expect(api.openDirectRoom("u-2")).resolves.toEqual({ room_id: "d", seq: 3, created: false });
  });

  it("searches the public room directory", async () => {
    const room = { room_id: "r", name: "Book Club", member_count: 2, last_activity_at: "2026-12-07T13:00:00Z", joined: false };
    const { fetch, calls } = fakeFetch(() => json(200, { rooms: [room] }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.publicRooms({ search: "book club" })).resolves.toEqual([room]);
    await api.publicRooms();
    expect(calls.map((call) => call.url)).toEqual(["http://api/v1/directory/rooms?q=book+club", "http://api/v1/directory/rooms"]);
  });

  it("finds a user by username, or no one", async () => {
    const bob = { user_id: "u-2", username: "bob", display_name: "Bob" };
    const { fetch, calls } = fakeFetch((call) =>
      json(200, { users: new URL(call.url).searchParams.get("username") === "Bob" ? [bob] : [] }),
    );
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.findUser("Bob")).resolves.toEqual(bob);
    await expect(api.findUser("nobody here")).resolves.toBeNull();
    expect(calls.map((call) => call.url)).toEqual([
      "http://api/v1/users?username=Bob",
      "http://api/v1/users?username=nobody+here",
    ]);
  });

  it("searches messages with every filter spelled as the server takes it", async () => {
    const page = { results: [], next_cursor: null };
    const { fetch, calls } = fakeFetch(() => json(200, page));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.searchMessages("new text")).resolves.toEqual(page);
    await api.searchMessages("x", {
      roomId: "r",
      authorId: "u-2",
      after: "2026-01-01T00:00:00+01:00",
      before: "2026-02-01T00:00:00Z",
      hasAttachment: false,
      kind: "image",
      order: "recent",
      limit: 5,
      cursor: "t.1.abc",
    });
    expect(calls.map((call) => call.url)).toEqual([
      "http://api/v1/search?q=new+text",
      "http://api/v1/search?q=x&room_id=r&author_id=u-2&before=2026-02-01T00%3A00%3A00Z&after=2026-01-01T00%3A00%3A00%2B01%3A00" +
        "&has_attachment=false&kind=image&order=recent&limit=5&cursor=t.1.abc",
    ]);
  });

  it("searches the user directory by prefix", async () => {
    const bob = { user_id: "u-2", username: "bob", display_name: "Bob Marley" };
    const { fetch, calls } = fakeFetch(() => json(200, { users: [bob] }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.searchUsers("mar", { limit: 5 })).resolves.toEqual([bob]);
    expect(calls.map((call) => call.url)).toEqual(["http://api/v1/users/search?q=mar&limit=5"]);
  });

  it("pages history back to the start", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      const before = new URL(call.url).searchParams.get("before");
      if (before === null) return json(200, { messages: [{ seq: 5 }, { seq: 4 }], next_before: 4 });
      if (before === "4") return json(200, { messages: [{ seq: 3 }, { seq: 2 }], next_before: 2 });
      return json(200, { messages: [], next_before: null });
    });
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    const seqs: number[] = [];
    for await (const page of api.historyPages("r", { limit: 2 })) seqs.push(...page.messages.map((m) => m.seq));
    expect(seqs).toEqual([5, 4, 3, 2]);
    expect(calls.map((call) => call.url)).toEqual([
      "http://api/v1/rooms/r/messages?limit=2",
      "http://api/v1/rooms/r/messages?limit=2&before=4",
      "http://api/v1/rooms/r/messages?limit=2&before=2",
    ]);
  });
});

describe("ChatApi: support-chat websites", () => {
  it("sends each route its method, path (the domain percent-encoded) and body", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/check")) return json(200, { domain: "127.0.0.1:8080", verified: false, method: null, failure: "timeout" });
      if (call.url.endsWith("/agents")) return json(200, { user_id: "u-2", changed: true });
      if (call.method === "POST" && call.url === "http://api/v1/websites") return json(201, { website_id: "w" });
      if (call.method === "GET") return json(200, { websites: [] });
      return json(200, { changed: true });
    });
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    const settings = {
      color: "purple",
      size: "medium",
      language: "auto",
      position: "left",
      greeting: null,
      pre_chat_form: true,
      business_hours: null,
    } as const;
    await expect(api.createWebsite("Shop")).resolves.toEqual({ website_id: "w" });
    await expect(api.websites()).resolves.toEqual([]);
    await api.renameWebsite("w", "Store");
    await api.changeWidget("w", settings);
    await expect(api.checkDomain("w", "127.0.0.1:8080")).resolves.toMatchObject({ verified: false, failure: "timeout" });
    await api.removeDomain("w", "127.0.0.1:8080");
    await expect(api.addAgent("w", "Bob")).resolves.toEqual({ user_id: "u-2", changed: true });
    await api.removeAgent("w", "u-2");
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ["POST", "http://api/v1/websites", { name: "Shop" }],
      ["GET", "http://api/v1/websites", undefined],
      ["PATCH", "http://api/v1/websites/w", { name: "Store" }],
      ["PUT", "http://api/v1/websites/w/widget", settings],
      ["POST", "http://api/v1/websites/w/domains/127.0.0.1%3A8080/check", undefined],
      ["DELETE", "http://api/v1/websites/w/domains/127.0.0.1%3A8080", undefined],
      ["POST", "http://api/v1/websites/w/agents", { username: "Bob" }],
      ["DELETE", "http://api/v1/websites/w/agents/u-2", undefined],
    ]);
  });

  it("tells a domain listed now (201) from one listed before (200, its first token)", async () => {
    let status = 201;
    const { fetch, calls } = fakeFetch(() => json(status, { domain: "shop.example.com", token: "chat-1" }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.addDomain("w", "Shop.Example.com")).resolves.toEqual({ domain: "shop.example.com", token: "chat-1", created: true });
    status = 200;
    await expect(api.addDomain("w", "shop.example.com")).resolves.toEqual({ domain: "shop.example.com", token: "chat-1", created: false });
    expect(calls[0]).toMatchObject({ method: "POST", url: "http://api/v1/websites/w/domains", body: { domain: "Shop.Example.com" } });
  });
});

describe("ChatApi: support conversations", () => {
  it("reads a website's inbox with its filter, and sends the conversation commands", async () => {
    const conversation = { room_id: "c", status: "open", assignee_id: null, joined: false };
    const { fetch, calls } = fakeFetch((call) =>
      call.method === "GET" ? json(200, { conversations: [conversation] }) : json(200, { seq: 9, changed: true }),
    );
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.inbox("w", { status: "unassigned", limit: 200 })).resolves.toEqual([conversation]);
    await api.inbox("w");
    await expect(api.joinRoom("c")).resolves.toEqual({ seq: 9, changed: true });
    await api.assign("c", "u-2");
    await api.assign("c", null);
    await api.resolve("c");
    await api.reopen("c");
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ["GET", "http://api/v1/websites/w/conversations?status=unassigned&limit=200", undefined],
      ["GET", "http://api/v1/websites/w/conversations", undefined],
      ["POST", "http://api/v1/rooms/c/join", undefined],
      ["POST", "http://api/v1/rooms/c/assign", { user_id: "u-2" }],
      ["POST", "http://api/v1/rooms/c/assign", { user_id: null }],
      ["POST", "http://api/v1/rooms/c/resolve", undefined],
      ["POST", "http://api/v1/rooms/c/reopen", undefined],
    ]);
  });
});

describe("ChatApi: invites", () => {
  it("makes, lists, revokes, previews and accepts invites", async () => {
    const made = { code: "c0de", url_path: "/#/invite/c0de", invite_id: "i-1", expires_at: null, max_uses: 5, uses: 0, seq: 4 };
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/invites") && call.method === "POST") return json(201, made);
      if (call.url.endsWith("/invites")) return json(200, { invites: [] });
      if (call.url.endsWith("/accept")) return json(200, { room_id: "r", seq: 6, changed: true });
      if (call.method === "GET") return json(200, { room_id: "r", name: "general", member_count: 2, is_member: false, expires_at: null, max_uses: 5, uses: 0 });
      return json(200, { seq: 5, changed: true });
    });
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await expect(api.createInvite("r", { expiresInSecs: 3600, maxUses: 5 })).resolves.toEqual(made);
    await api.createInvite("r");
    await expect(api.invites("r")).resolves.toEqual([]);
    await expect(api.revokeInvite("r", "i-1")).resolves.toEqual({ seq: 5, changed: true });
    await expect(api.previewInvite("c0de")).resolves.toMatchObject({ name: "general", member_count: 2 });
    await expect(api.acceptInvite("c0de")).resolves.toEqual({ room_id: "r", seq: 6, changed: true });
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ["POST", "http://api/v1/rooms/r/invites", { expires_in_secs: 3600, max_uses: 5 }],
      ["POST", "http://api/v1/rooms/r/invites", {}],
      ["GET", "http://api/v1/rooms/r/invites", undefined],
      ["DELETE", "http://api/v1/rooms/r/invites/i-1", undefined],
      ["GET", "http://api/v1/invites/c0de", undefined],
      ["POST", "http://api/v1/invites/c0de/accept", undefined],
    ]);
  });
});
