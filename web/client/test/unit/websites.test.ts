import { describe, expect, it } from "vitest";

import { ChatApiError, type WebsiteDetail, type WebsiteSummary } from "../../../sdk/src/index";
import { refreshDelay, refreshUntil } from "../../src/model/refresh";
import { Websites, type WebsitesApi, problemText } from "../../src/model/websites";

const noWait = { sleep: async () => undefined };

const DETAIL: WebsiteDetail = {
  website_id: "w",
  name: "Shop",
  owner_id: "me",
  role: "owner",
  settings: { color: "blue", size: "medium", language: "auto", position: "right", greeting: null, pre_chat_form: false, business_hours: null },
  created_at: "2026-12-07T15:00:00Z",
  domains: [],
  agents: [{ user_id: "me", username: "me", display_name: "Me", role: "owner", added_at: "2026-12-07T15:00:00Z" }],
};

const notFound = () => new ChatApiError({ status: 404, code: "website_not_found", message: "the website does not exist" });

/** An API whose reads show each write `lag` reads late. */
function laggingApi(lag: number): { api: WebsitesApi; reads: () => number } {
  let detail = DETAIL;
  let pending: WebsiteDetail | null = null;
  let wait = 0;
  let reads = 0;
  const write = (next: WebsiteDetail) => {
    pending = next;
    wait = lag;
  };
  const api: Partial<WebsitesApi> = {
    website: async () => {
      reads += 1;
      if (pending !== null && wait-- <= 0) {
        detail = pending;
        pending = null;
      }
      return detail;
    },
    changeWidget: async (_id, settings) => {
      write({ ...detail, settings });
      return { changed: true };
    },
    addAgent: async (_id, username) => {
      if (username !== "bob") throw new ChatApiError({ status: 404, code: "user_not_found", message: "no such user" });
      write({ ...detail, agents: [...detail.agents, { user_id: "bob-id", username, display_name: "Bob", role: "agent", added_at: "" }] });
      return { user_id: "bob-id", changed: true };
    },
  };
  return { api: api as WebsitesApi, reads: () => reads };
}

describe("refreshUntil", () => {
  it("reads until the answer shows the change, waiting longer each time", async () => {
    const waits: number[] = [];
    let value = 0;
    const found = await refreshUntil(async () => (value += 1), (seen) => seen === 4, { sleep: async (ms) => void waits.push(ms) });
    expect(found).toBe(4);
    expect(waits).toEqual([50, 100, 200]);
    expect(refreshDelay(10)).toBe(1000);
  });

  it("gives up after its attempts, and tries again after a not-yet", async () => {
    let reads = 0;
    expect(await refreshUntil(async () => ((reads += 1), undefined), () => true, { attempts: 3, ...noWait })).toBeNull();
    expect(reads).toBe(3);
  });
});

describe("Websites", () => {
  it("saves the widget and shows it once the read model has it", async () => {
    const { api, reads } = laggingApi(2);
    const websites = new Websites(api, "me", noWait);
    const settings = { ...DETAIL.settings, color: "purple" as const };
    expect(await websites.saveWidget("w", settings)).toEqual({ ok: true, value: true });
    expect(reads()).toBe(3);
    expect(websites.detail("w")).toMatchObject({ settings: { color: "purple" } });
  });

  it("adds an agent by username (a leading @ and spaces dropped), or says no one is called that", async () => {
    const { api } = laggingApi(1);
    const websites = new Websites(api, "me", noWait);
    expect(await websites.addAgent("w", " @bob ")).toEqual({ ok: true, value: true });
    const detail = websites.detail("w");
    expect(detail !== undefined && detail !== "missing" && detail.agents.map((agent) => agent.role)).toEqual(["owner", "agent"]);
    expect(await websites.addAgent("w", "nobody")).toEqual({ ok: false, problem: "No one is called “nobody”." });
  });

  it("waits for a new website to be listed; a website outside the team is missing", async () => {
    const summary: WebsiteSummary = { website_id: "w", name: "Shop", role: "owner", domain_count: 0, verified_domain_count: 0 };
    let lists = 0;
    const api: Partial<WebsitesApi> = {
      createWebsite: async () => ({ website_id: "w" }),
      websites: async () => ((lists += 1) < 3 ? [] : [summary]),
      website: async () => {
        throw notFound();
      },
    };
    const websites = new Websites(api as WebsitesApi, "me", noWait);
    expect(await websites.create("Shop")).toEqual({ ok: true, value: "w" });
    expect(websites.list).toEqual([summary]);
    await websites.load("w");
    expect(websites.detail("w")).toBe("missing");
  });

  it("reads and makes the identity secret, and says why an agent may not", async () => {
    let secret: string | null = null;
    const api: Partial<WebsitesApi> = {
      identitySecret: async (websiteId) => {
        if (websiteId !== "w") throw new ChatApiError({ status: 403, code: "not_allowed", message: "only the owner" });
        return secret;
      },
      rotateIdentitySecret: async () => (secret = "ab".repeat(32)),
    };
    const websites = new Websites(api as WebsitesApi, "me", noWait);
    expect(await websites.identitySecret("w")).toEqual({ ok: true, value: null });
    expect(await websites.rotateIdentitySecret("w")).toEqual({ ok: true, value: "ab".repeat(32) });
    expect(await websites.identitySecret("w")).toEqual({ ok: true, value: "ab".repeat(32) });
    expect(await websites.identitySecret("theirs")).toEqual({ ok: false, problem: "Only the website's owner can change it." });
  });

  it("puts refusals in words, with the wait of a rate limit", () => {
    expect(problemText(new ChatApiError({ status: 429, code: "rate_limited", message: "slow down", retryAfterMs: 12_000 }))).toBe(
      "Too many checks: try again in 12 s.",
    );
    expect(problemText(new ChatApiError({ status: 422, code: "invalid_input", field: "domain", message: "domain: bad" }))).toBe("domain: bad");
    expect(problemText(new TypeError("fetch failed"))).toBe("The server cannot be reached; try again.");
  });
});
