/** The SDK's `VisitorApi` (sdk/src/visitor.ts) against a fake fetch: routes, tokens, refusals. */

import { describe, expect, it } from "vitest";

import { ChatApiError, ChatNetworkError } from "../../../sdk/src/errors";
import { ChatApi } from "../../../sdk/src/rest";
import { fakeFetch, json } from "../../../sdk/test/unit/fakes";
import { VisitorApi, type VisitorSession, visitorCredentials } from "../../../sdk/src/visitor";

const SITE = "01a205fc-0000-7000-8000-00000000005e";
const SESSION: VisitorSession = {
  visitor_id: "v-1",
  display_name: "Visitor 3F9A",
  token: "t-1",
  expires_at: "2999-01-01T00:00:00Z",
  refresh_token: "r-1",
  refresh_expires_at: "2999-01-01T00:00:00Z",
};

describe("VisitorApi", () => {
  it("reads the widget and creates a visitor without a token", async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.method === "GET"
        ? json(200, { website_id: SITE, name: "Acme", settings: {}, agents_online: true })
        : json(201, SESSION),
    );
    const api = new VisitorApi({ baseUrl: "http://api/", fetch });
    expect(await api.widget(SITE)).toMatchObject({ name: "Acme", agents_online: true });
    expect(await api.createVisitor(SITE, { display_name: "Ada" })).toEqual(SESSION);
    expect(calls).toEqual([
      { method: "GET", url: `http://api/v1/widget/${SITE}`, authorization: null, body: undefined },
      { method: "POST", url: `http://api/v1/widget/${SITE}/visitors`, authorization: null, body: { display_name: "Ada" } },
    ]);
  });

  it("lists and starts conversations with the visitor's token, shared with a ChatApi", async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.method === "GET" ? json(200, { conversations: [{ room_id: "room-1" }] }) : json(201, { room_id: "room-2", seq: 4 }),
    );
    const chat = new ChatApi({ baseUrl: "http://api", fetch, credentials: visitorCredentials(SESSION) });
    const api = new VisitorApi({ baseUrl: "http://api", fetch, auth: chat });
    expect(await api.conversations(SITE)).toEqual([{ room_id: "room-1" }]);
    const started = await api.startConversation(SITE, { page_url: "https://shop.example/", referrer: null, language: "de-DE" });
    expect(started).toEqual({ room_id: "room-2", seq: 4 });
    expect(calls.map((call) => [call.method, call.url, call.authorization, call.body])).toEqual([
      ["GET", `http://api/v1/widget/${SITE}/conversations`, "Bearer t-1", undefined],
      ["POST", `http://api/v1/widget/${SITE}/conversations`, "Bearer t-1", { page_url: "https://shop.example/", referrer: null, language: "de-DE" }],
    ]);
  });

  it("renews an expired token once and tries again", async () => {
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/v1/auth/refresh")) {
        return json(200, { user_id: "v-1", token: "t-2", expires_at: "2999-01-01T00:00:00Z", refresh_token: "r-2", refresh_expires_at: "2999-01-01T00:00:00Z" });
      }
      return call.authorization === "Bearer t-1"
        ? json(401, { error: { code: "token_expired", message: "expired" } })
        : json(200, { conversations: [] });
    });
    const chat = new ChatApi({ baseUrl: "http://api", fetch, credentials: visitorCredentials(SESSION) });
    const api = new VisitorApi({ baseUrl: "http://api", fetch, auth: chat });
    expect(await api.conversations(SITE)).toEqual([]);
    expect(calls.map((call) => call.authorization)).toEqual(["Bearer t-1", null, "Bearer t-2"]);
    expect(chat.credentials?.refreshToken).toBe("r-2");
  });

  it("refuses with the server's code, and without a session", async () => {
    const { fetch } = fakeFetch(() => json(404, { error: { code: "website_not_found", message: "no such website" } }));
    const api = new VisitorApi({ baseUrl: "http://api", fetch });
    await expect(api.widget(SITE)).rejects.toMatchObject({ status: 404, code: "website_not_found" });
    const refusal = await api.conversations(SITE).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ChatApiError);
    expect(refusal).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("says when no answer came", async () => {
    const api = new VisitorApi({
      baseUrl: "http://api",
      fetch: () => Promise.reject(new TypeError("failed to fetch")),
    });
    await expect(api.createVisitor(SITE)).rejects.toBeInstanceOf(ChatNetworkError);
  });
});
