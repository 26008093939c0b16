/**
 * The widget's state and everything it does, apart from drawing: what the website's widget
 * looks like (`GET /v1/widget/{id}` under the snippet's options) and whether anyone answers
 * now; the visitor (created on their first message, or by the pre-chat form, and kept per
 * website so that they come back to their conversation); their conversation
 * (`LiveConversation`); the unread count; and what the loader on the website's page is told
 * (the frame's size, open and close, agents' new messages).
 *
 * The UI subscribes and calls the commands (`setOpen`, `send`, `typing`, …); the loader's
 * commands arrive through `host`.
 */

import {
  ChatApi,
  ChatApiError,
  VisitorApi,
  visitorCredentials,
  type BusinessHours,
  type Credentials,
  type RoomId,
  type WebStorageLike,
  type WidgetView,
} from "../../../sdk/src/index";
import { withinBusinessHours } from "../hours";
import { type FrameSize, frameSize } from "../layout";
import type { HostMessage } from "../messages";
import { type Look, type SnippetOptions, resolveLook } from "../options";
import { LiveConversation } from "./conversation";
import { HostBridge } from "./host";
import { forgetVisitor, identifiedAs, loadVisitor, rememberIdentity, saveVisitor, sessionNamespace } from "./storage";
import type { Line } from "./timeline";

export interface WidgetState {
  /** `unavailable`: the website's widget cannot be shown (unknown, not verified, no answer). */
  phase: "loading" | "ready" | "unavailable";
  websiteName: string;
  look: Look;
  /** No agent is online, or it is outside business hours: the away note is shown. */
  away: boolean;
  open: boolean;
  /** The open panel covers the page's whole viewport (phones). */
  fullscreen: boolean;
  /** The pre-chat form asks for a name before the first message. */
  askName: boolean;
  lines: Line[];
  hasEarlier: boolean;
  agentTyping: boolean;
  unread: number;
  /** The live connection was lost and is being restored. */
  reconnecting: boolean;
  /** Creating the visitor or the conversation. */
  busy: boolean;
  problem: "send_failed" | "rate_limited" | null;
}

export interface ModelOptions {
  websiteId: string;
  snippet: SnippetOptions;
  /** The API's origin (the frame's own). */
  baseUrl: string;
  storage: WebStorageLike;
  tabStorage: WebStorageLike;
  languages: readonly string[];
  /** The gateways' WebSocket URLs. */
  gateways: () => Promise<string[]>;
}

/** The page's viewport until the loader says: a desktop's. */
const DEFAULT_VIEWPORT = { width: 1280, height: 800 };
/** Reads of the widget's settings before giving up (1 s, 2 s, 4 s, 8 s apart). */
const MAX_WIDGET_ATTEMPTS = 5;

export class WidgetModel {
  private current: WidgetState;
  private readonly listeners = new Set<(state: WidgetState) => void>();
  private readonly publicApi: VisitorApi;
  readonly host: HostBridge;

  private info: WidgetView | null = null;
  private hours: BusinessHours | null = null;
  private agentsOnline = true;
  private viewport = DEFAULT_VIEWPORT;
  private context: { pageUrl: string | null; referrer: string | null } = { pageUrl: null, referrer: null };
  /** What the visitor is called and reached at, for creating them (pre-chat form, `identify`). */
  private given: { name: string | null; email: string | null } = { name: null, email: null };
  private visible = document.visibilityState !== "hidden";

  private chat: ChatApi | null = null;
  private visitorApi: VisitorApi | null = null;
  private conversation: LiveConversation | null = null;
  /** A returning visitor whose conversations could not be listed. */
  private unsure = false;
  private starting: Promise<void> | null = null;
  private awayTimer: ReturnType<typeof setInterval> | null = null;
  private lastSize = "";

  constructor(private readonly options: ModelOptions) {
    this.publicApi = new VisitorApi({ baseUrl: options.baseUrl });
    this.current = {
      phase: "loading",
      websiteName: "",
      look: resolveLook(null, options.snippet, options.languages),
      away: false,
      open: false,
      fullscreen: false,
      askName: false,
      lines: [],
      hasEarlier: false,
      agentTyping: false,
      unread: 0,
      reconnecting: false,
      busy: false,
      problem: null,
    };
    this.host = new HostBridge((message) => this.onHostMessage(message));
    document.addEventListener("visibilitychange", () => {
      this.visible = document.visibilityState !== "hidden";
      this.refresh();
    });
  }

  get state(): WidgetState {
    return this.current;
  }

  subscribe(listener: (state: WidgetState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -- Starting ----------------------------------------------------------------------------------

  /** Reads the website's widget, shows the launcher, and brings a returning visitor back. */
  async start(): Promise<void> {
    const info = await this.readWidget();
    if (info === null) {
      this.update({ phase: "unavailable" });
      return;
    }
    this.info = info;
    this.hours = info.settings.business_hours;
    this.agentsOnline = info.agents_online;
    this.update({
      phase: "ready",
      websiteName: info.name,
      look: resolveLook(info.settings, this.options.snippet, this.options.languages),
      open: this.options.tabStorage.getItem(this.openKey()) === "1",
    });
    this.host.send({ type: "ready" });
    this.refresh();
    const credentials = loadVisitor(this.options.storage, this.options.websiteId);
    // A message sent meanwhile waits for this: it belongs to the conversation found here.
    if (credentials !== null) await this.once(() => this.comeBack(credentials));
  }

  /**
   * The website's widget; `null` if there is none to show (unknown, no verified domain), or no
   * answer after a few tries a little further apart each time.
   */
  private async readWidget(): Promise<WidgetView | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.publicApi.widget(this.options.websiteId);
      } catch (error) {
        const retryable = !(error instanceof ChatApiError) || error.retryable || error.status >= 500;
        if (!retryable || attempt >= MAX_WIDGET_ATTEMPTS - 1) return null;
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
      }
    }
  }

  /** A returning visitor: their most recent conversation, its history, and the live session. */
  private async comeBack(credentials: Credentials): Promise<void> {
    const visitor = this.useCredentials(credentials);
    let conversations;
    try {
      conversations = await visitor.conversations(this.options.websiteId);
    } catch (error) {
      // A visitor the server no longer knows (refresh refused, erased, another deployment):
      // start afresh. Without an answer at all, look again before their next message.
      if (error instanceof ChatApiError && (error.authLost || error.status === 401 || error.status === 403 || error.status === 404)) {
        this.forget();
      } else {
        this.unsure = true;
      }
      return;
    }
    const latest = conversations[0];
    if (latest !== undefined) await this.enterConversation(latest.room_id, false);
  }

  private useCredentials(credentials: Credentials): VisitorApi {
    const chat = new ChatApi({
      baseUrl: this.options.baseUrl,
      credentials,
      onCredentials: (changed) => {
        if (changed !== null) saveVisitor(this.options.storage, this.options.websiteId, changed);
      },
      onAuthLost: () => this.forget(),
    });
    this.chat = chat;
    const visitorApi = new VisitorApi({ baseUrl: this.options.baseUrl, auth: chat });
    this.visitorApi = visitorApi;
    this.refresh();
    return visitorApi;
  }

  /** Opens a conversation: `started` when this visitor just started it. */
  private async enterConversation(roomId: RoomId, started: boolean): Promise<void> {
    const chat = this.chat;
    const visitorApi = this.visitorApi;
    if (chat === null || chat.userId === null || visitorApi === null) return;
    const gateways = await this.options.gateways();
    if (chat !== this.chat) return;
    this.conversation = new LiveConversation({
      roomId,
      websiteId: this.options.websiteId,
      chat,
      visitorApi,
      storage: this.options.storage,
      namespace: sessionNamespace(this.options.websiteId, chat.userId),
      gateways,
      started,
      changed: () => this.refresh(),
      agentMessage: (message) => {
        if (message.body !== null) this.host.send({ type: "message", body: message.body, at: message.at });
      },
      lost: () => this.forget(),
    });
    this.refresh();
  }

  // -- Commands from the UI ----------------------------------------------------------------------

  setOpen(open: boolean): void {
    if (this.current.open === open) return;
    try {
      if (open) this.options.tabStorage.setItem(this.openKey(), "1");
      else this.options.tabStorage.removeItem(this.openKey());
    } catch {
      // Not kept: the panel starts closed on the next page.
    }
    this.update({ open });
    this.host.send({ type: open ? "opened" : "closed" });
    if (open) void this.recheckAgents();
    this.refresh();
  }

  /** Sends a message; answers whether it was taken (queued in the persisted outbox). */
  async send(text: string): Promise<boolean> {
    const body = text.trim();
    if (body === "" || this.current.busy) return false;
    this.update({ problem: null });
    if (this.conversation === null) {
      this.update({ busy: true });
      try {
        await this.ensureConversation();
      } catch (error) {
        this.update({ problem: problemOf(error) });
        return false;
      } finally {
        this.update({ busy: false });
      }
    }
    if (this.conversation === null) return false;
    this.conversation.post(body);
    return true;
  }

  /** Sends a refused message again. */
  retry(clientMsgId: string): void {
    this.conversation?.retry(clientMsgId);
  }

  /** The pre-chat form's name and email: the visitor is created with them. */
  async giveDetails(name: string, email: string | null): Promise<boolean> {
    if (this.current.busy) return false;
    this.given = { name, email };
    this.update({ busy: true, problem: null });
    try {
      await this.ensureVisitor();
      return true;
    } catch (error) {
      this.update({ problem: problemOf(error) });
      return false;
    } finally {
      this.update({ busy: false });
      this.refresh();
    }
  }

  /** The visitor typed (`true`) or cleared the composer (`false`). */
  typing(typing: boolean): void {
    this.conversation?.typing(typing);
  }

  async loadEarlier(): Promise<void> {
    await this.conversation?.loadEarlier();
  }

  // -- Visitor and conversation ------------------------------------------------------------------

  private ensureVisitor(): Promise<void> {
    if (this.chat !== null) return Promise.resolve();
    return this.once(async () => {
      await this.createVisitor();
    });
  }

  /** Inside `once`: a new visitor with what they gave, unless there is one. */
  private async createVisitor(): Promise<VisitorApi> {
    if (this.chat !== null && this.visitorApi !== null) return this.visitorApi;
    const { name, email } = this.given;
    const created = await this.publicApi.createVisitor(this.options.websiteId, { display_name: name, email });
    const credentials = visitorCredentials(created);
    saveVisitor(this.options.storage, this.options.websiteId, credentials);
    return this.useCredentials(credentials);
  }

  /**
   * The website vouched that the visitor is its user `user` (api.md §12.4): once per user per
   * browser, the server answers the visitor who is that user — this one (nothing changes), or
   * the one they are on another device, whose conversation the widget then shows instead.
   */
  private identifyAs(user: { id: string; hash: string }): Promise<void> {
    const websiteId = this.options.websiteId;
    if (identifiedAs(this.options.storage, websiteId) === user.id && this.chat !== null) return Promise.resolve();
    return this.once(async () => {
      const visitor = await this.createVisitor();
      const { name, email } = this.given;
      let session;
      try {
        session = await visitor.identify(websiteId, { user_id: user.id, user_hash: user.hash, display_name: name, email });
      } catch (error) {
        // A signature that does not verify: the visitor stays anonymous.
        console.warn("ChatWidget.identify: the visitor stays anonymous", error);
        return;
      }
      if (session.visitor_id !== this.chat?.userId) {
        this.forget();
        const credentials = visitorCredentials(session);
        saveVisitor(this.options.storage, websiteId, credentials);
        await this.comeBack(credentials);
      }
      rememberIdentity(this.options.storage, websiteId, user.id);
    });
  }

  private async ensureConversation(): Promise<void> {
    await this.ensureVisitor();
    await this.once(async () => {
      const visitor = this.visitorApi;
      if (this.conversation !== null || visitor === null) return;
      if (this.unsure) {
        // The conversations could not be listed when the page started: look again before
        // starting a second one.
        const latest = (await visitor.conversations(this.options.websiteId))[0];
        this.unsure = false;
        if (latest !== undefined) {
          await this.enterConversation(latest.room_id, false);
          return;
        }
      }
      const started = await visitor.startConversation(this.options.websiteId, {
        page_url: this.context.pageUrl,
        referrer: this.context.referrer,
        language: (this.options.languages[0] ?? "").slice(0, 35) || null,
      });
      await this.enterConversation(started.room_id, true);
    });
  }

  /** One creation at a time: a second caller waits for the first. */
  private async once(work: () => Promise<void>): Promise<void> {
    while (this.starting !== null) await this.starting.catch(() => undefined);
    const running = work();
    this.starting = running;
    try {
      await running;
    } finally {
      this.starting = null;
    }
  }

  private async recheckAgents(): Promise<void> {
    try {
      const info = await this.publicApi.widget(this.options.websiteId);
      this.agentsOnline = info.agents_online;
      this.hours = info.settings.business_hours;
      this.refresh();
    } catch {
      // Keep what we knew.
    }
  }

  /** The visitor is gone for the server: start over as a new one. */
  private forget(): void {
    const visitorId = this.chat?.userId ?? null;
    this.conversation?.close();
    this.conversation = null;
    this.chat = null;
    this.visitorApi = null;
    this.unsure = false;
    if (visitorId !== null) forgetVisitor(this.options.storage, this.options.websiteId, visitorId);
    else saveVisitor(this.options.storage, this.options.websiteId, null);
    rememberIdentity(this.options.storage, this.options.websiteId, null);
    this.refresh();
  }

  // -- The loader's messages ---------------------------------------------------------------------

  private onHostMessage(message: HostMessage): void {
    switch (message.type) {
      case "context":
        this.context = { pageUrl: message.pageUrl, referrer: message.referrer };
        this.viewport = { width: message.width, height: message.height };
        this.lastSize = "";
        this.refresh();
        return;
      case "open":
        this.setOpen(true);
        return;
      case "close":
        this.setOpen(false);
        return;
      case "identify": {
        const { name, email, userId, userHash } = message.identity;
        // A visitor not created yet takes the name and email; a signed user id renames them.
        this.given = { name: name ?? this.given.name, email: email ?? this.given.email };
        if (userId !== null && userHash !== null) void this.identifyAs({ id: userId, hash: userHash });
        this.refresh();
        return;
      }
      case "reset":
        // The website's user logged out: the next visitor of this browser is someone new.
        void this.once(async () => {
          this.forget();
          this.given = { name: null, email: null };
        });
        return;
    }
  }

  // -- Derived state -----------------------------------------------------------------------------

  /** Recomputes what is derived (lines, unread, away, size), marks read, tells the loader the size. */
  private refresh(): void {
    const conversation = this.conversation;
    const open = this.current.open;
    const seen = open && this.visible;
    if (seen) conversation?.seen();
    const size = frameSize(this.current.look.size, open, this.viewport);
    this.update({
      lines: conversation?.lines() ?? [],
      hasEarlier: conversation?.hasEarlier ?? false,
      agentTyping: conversation?.agentTyping ?? false,
      unread: conversation === null || seen ? 0 : conversation.unread(),
      away: !this.agentsOnline || !withinBusinessHours(this.hours, new Date()),
      askName: this.info?.settings.pre_chat_form === true && this.chat === null && this.given.name === null,
      reconnecting: conversation?.reconnecting ?? false,
      fullscreen: size.fullscreen,
    });
    this.tellSize(size);
    this.watchAway(open);
  }

  private tellSize(size: FrameSize): void {
    if (this.current.phase !== "ready") return;
    const position = this.current.look.position;
    const key = `${size.width}x${size.height}:${size.fullscreen}:${position}`;
    if (key === this.lastSize) return;
    this.lastSize = key;
    this.host.send({ type: "size", ...size, position });
  }

  /** While the panel is open, business hours are looked at again every minute. */
  private watchAway(open: boolean): void {
    if (open && this.awayTimer === null && this.hours !== null) {
      this.awayTimer = setInterval(() => this.refresh(), 60_000);
    } else if (!open && this.awayTimer !== null) {
      clearInterval(this.awayTimer);
      this.awayTimer = null;
    }
  }

  private openKey(): string {
    return `chat:widget:${this.options.websiteId}:open`;
  }

  private update(change: Partial<WidgetState>): void {
    let changed = false;
    for (const key of Object.keys(change) as Array<keyof WidgetState>) {
      if (this.current[key] !== change[key]) changed = true;
    }
    if (!changed) return;
    this.current = { ...this.current, ...change };
    for (const listener of [...this.listeners]) listener(this.current);
  }
}

function problemOf(error: unknown): WidgetState["problem"] {
  return error instanceof ChatApiError && error.code === "rate_limited" ? "rate_limited" : "send_failed";
}
