/**
 * The user's support-chat websites (api.md §11), between the SDK and the Support screens: the
 * list, each website opened, and the owner's commands. A command's effect shows in the reads a
 * moment later, so each command reads again (`refreshUntil`) until its change shows, and only
 * then reports success; the screens never show a state older than what the user just did.
 * The identity secret (§12.4) is the exception: no read model holds it, so what the server
 * answers is what is shown. Refusals come back as sentences for the form that asked
 * (`Outcome`), not as a global banner.
 */

import {
  type AddedDomain,
  type ChatApi,
  ChatApiError,
  type DomainCheck,
  type UserId,
  type WebsiteDetail,
  type WebsiteId,
  type WebsiteSummary,
  type WidgetSettings,
} from "../../../sdk/src/index";
import { type RefreshOptions, refreshUntil } from "./refresh";
import { showsCheck } from "./verification";
import { sameSettings } from "./widget-look";

export type WebsitesApi = Pick<
  ChatApi,
  | "websites"
  | "website"
  | "createWebsite"
  | "renameWebsite"
  | "changeWidget"
  | "addDomain"
  | "removeDomain"
  | "checkDomain"
  | "addAgent"
  | "removeAgent"
  | "identitySecret"
  | "rotateIdentitySecret"
>;

/** What a command came to: its value, or what went wrong in words. */
export type Outcome<T = true> = { ok: true; value: T } | { ok: false; problem: string };

/** A website as the screens know it: not read yet, read, or not the user's (or gone). */
export type Loaded = WebsiteDetail | "missing" | undefined;

export class Websites {
  /** The user's websites by name; `null` until first read. */
  list: WebsiteSummary[] | null = null;
  /** Why the list could not be read, if it could not. */
  listProblem: string | null = null;
  private readonly details = new Map<WebsiteId, WebsiteDetail | "missing">();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: WebsitesApi,
    readonly me: UserId,
    private readonly refresh: RefreshOptions = {},
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  detail(websiteId: WebsiteId): Loaded {
    return this.details.get(websiteId);
  }

  // -- Reads -----------------------------------------------------------------------------------

  async loadList(): Promise<void> {
    try {
      this.list = await this.api.websites();
      this.listProblem = null;
    } catch (error) {
      this.listProblem = problemText(error);
    }
    this.changed();
  }

  /**
   * Reads the website; `"missing"` when it is not the user's (or no longer exists) after a few
   * reads, since one just created or joined may not be readable yet.
   */
  async load(websiteId: WebsiteId): Promise<void> {
    try {
      const read = await refreshUntil(() => this.readDetail(websiteId), () => true, { ...this.refresh, attempts: 4 });
      this.adopt(websiteId, read ?? "missing");
    } catch {
      // A failed read leaves what is shown; the next action reads again.
    }
  }

  // -- Commands (the owner; an agent may only leave) -------------------------------------------

  /** Registers a website; answers its id once the user's list has it. */
  async create(name: string): Promise<Outcome<WebsiteId>> {
    return this.attempt(async () => {
      const { website_id: websiteId } = await this.api.createWebsite(name);
      const list = await refreshUntil(
        () => this.api.websites(),
        (websites) => websites.some((website) => website.website_id === websiteId),
        this.refresh,
      );
      if (list !== null) this.list = list;
      return websiteId;
    });
  }

  rename(websiteId: WebsiteId, name: string): Promise<Outcome> {
    return this.command(websiteId, () => this.api.renameWebsite(websiteId, name), (detail) => detail.name === name.trim());
  }

  saveWidget(websiteId: WebsiteId, settings: WidgetSettings): Promise<Outcome> {
    return this.command(
      websiteId,
      () => this.api.changeWidget(websiteId, settings),
      (detail) => sameSettings(detail.settings, settings),
    );
  }

  /** Lists a domain; answers it as the server spells it, with its token. */
  async addDomain(websiteId: WebsiteId, domain: string): Promise<Outcome<AddedDomain>> {
    return this.attempt(async () => {
      const added = await this.api.addDomain(websiteId, domain);
      await this.refreshDetail(websiteId, (detail) => detail.domains.some((listed) => listed.domain === added.domain));
      return { domain: added.domain, token: added.token };
    });
  }

  removeDomain(websiteId: WebsiteId, domain: string): Promise<Outcome> {
    return this.command(
      websiteId,
      () => this.api.removeDomain(websiteId, domain),
      (detail) => !detail.domains.some((listed) => listed.domain === domain),
    );
  }

  /**
   * Checks a domain now; answers what the check found once the website shows it (a refused
   * check, such as too many of them, is a problem with its wait in seconds).
   */
  async checkDomain(websiteId: WebsiteId, domain: string): Promise<Outcome<DomainCheck>> {
    return this.attempt(async () => {
      const check = await this.api.checkDomain(websiteId, domain);
      await this.refreshDetail(websiteId, (detail) => detail.domains.some((listed) => listed.domain === domain && showsCheck(listed, check)));
      return check;
    });
  }

  /** Adds the user called `username` (any case, a leading `@` allowed) to the team. */
  async addAgent(websiteId: WebsiteId, username: string): Promise<Outcome> {
    const wanted = username.trim().replace(/^@/, "");
    return this.attempt(
      async () => {
        const added = await this.api.addAgent(websiteId, wanted);
        await this.refreshDetail(websiteId, (detail) => detail.agents.some((agent) => agent.user_id === added.user_id));
        return true as const;
      },
      (error) => (error instanceof ChatApiError && error.code === "user_not_found" ? `No one is called “${wanted}”.` : null),
    );
  }

  /** Takes someone off the team; the user themselves leaves (and loses sight of the website). */
  async removeAgent(websiteId: WebsiteId, userId: UserId): Promise<Outcome> {
    if (userId !== this.me) {
      return this.command(
        websiteId,
        () => this.api.removeAgent(websiteId, userId),
        (detail) => !detail.agents.some((agent) => agent.user_id === userId),
      );
    }
    return this.attempt(async () => {
      await this.api.removeAgent(websiteId, userId);
      const list = await refreshUntil(
        () => this.api.websites(),
        (websites) => !websites.some((website) => website.website_id === websiteId),
        this.refresh,
      );
      if (list !== null) this.list = list;
      this.adopt(websiteId, "missing");
      return true as const;
    });
  }

  // -- The identity secret (api.md §12.4; no read model holds it) ------------------------------

  /** The website's identity secret, `null` until one is made. */
  identitySecret(websiteId: WebsiteId): Promise<Outcome<string | null>> {
    return this.attempt(() => this.api.identitySecret(websiteId));
  }

  /** Makes a new identity secret (the first, or one that replaces the old: its signatures stop verifying). */
  rotateIdentitySecret(websiteId: WebsiteId): Promise<Outcome<string>> {
    return this.attempt(() => this.api.rotateIdentitySecret(websiteId));
  }

  // -- Plumbing --------------------------------------------------------------------------------

  /** Runs a command, then reads the website until `shows` holds (at once if nothing changed). */
  private command(websiteId: WebsiteId, run: () => Promise<{ changed: boolean }>, shows: (detail: WebsiteDetail) => boolean): Promise<Outcome> {
    return this.attempt(async () => {
      await run();
      await this.refreshDetail(websiteId, shows);
      return true as const;
    });
  }

  /** Reads the website until `shows` holds of it (bounded), and shows the last read. */
  private async refreshDetail(websiteId: WebsiteId, shows: (detail: WebsiteDetail) => boolean): Promise<void> {
    let last: WebsiteDetail | undefined;
    const read = async () => {
      last = await this.readDetail(websiteId);
      return last;
    };
    await refreshUntil(read, shows, this.refresh);
    if (last !== undefined) this.adopt(websiteId, last);
  }

  /** The website, or `undefined` if the user's team does not (or not yet) include it. */
  private async readDetail(websiteId: WebsiteId): Promise<WebsiteDetail | undefined> {
    try {
      return await this.api.website(websiteId);
    } catch (error) {
      if (error instanceof ChatApiError && error.code === "website_not_found") return undefined;
      throw error;
    }
  }

  private adopt(websiteId: WebsiteId, detail: WebsiteDetail | "missing"): void {
    this.details.set(websiteId, detail);
    this.changed();
  }

  private async attempt<T>(run: () => Promise<T>, explain: (error: unknown) => string | null = () => null): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return { ok: false, problem: explain(error) ?? problemText(error) };
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A refusal or failure in words, for the form that asked. */
export function problemText(error: unknown): string {
  if (!(error instanceof ChatApiError)) return "The server cannot be reached; try again.";
  switch (error.code) {
    case "rate_limited":
      return `Too many checks: try again in ${Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000))} s.`;
    case "not_allowed":
      return "Only the website's owner can change it.";
    case "website_not_found":
      return "This website is not one of yours, or no longer exists.";
    case "too_many_domains":
      return "A website has at most 20 domains: remove one first.";
    case "too_many_agents":
      return "A team has at most 50 people.";
    case "owner_cannot_leave":
      return "The owner cannot leave the website's team.";
    default:
      return error.message;
  }
}
