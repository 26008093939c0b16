/**
 * The loader a website puts on its pages:
 *
 *     <script src="https://<api>/embed.js?id=<website id>" async></script>
 *
 * It finds its own `<script>`, reads the API's origin, the website's id and the snippet's
 * options from its `src`, and adds one `<iframe>` in the chosen bottom corner whose page
 * (`<api>/widget/<id>?<options>`, served by the API) holds everything a visitor sees, so that
 * the website's CSS and scripts cannot reach it. The frame stays invisible until the widget in
 * it says it is ready: a browser that refuses to frame it (a website that has not verified this
 * page's domain: the page's `frame-ancestors`) shows nothing at all.
 *
 * It gives the page `window.ChatWidget`: `open()`, `close()`, `identify({name, email, userId,
 * userHash})` (all optional; `userId` with the `userHash` the website's server signed makes the
 * visitor that user on every device, api.md §12.4), `reset()` (the user logged out; these three
 * are queued until the widget is ready) and `on(event, listener)` for `ready`, `open`, `close` and `message` (a new
 * message from an agent: `{body, at}`). It talks to the frame only with `postMessage`, listens
 * to nothing but its frame's window from the API's origin, and posts only to that origin.
 * Loaded twice, it adds nothing the second time.
 */

import { CHANNEL, type HostMessage, parseFrameMessage, parseIdentity } from "./messages";
import { optionsQuery, parseOptions } from "./options";

type WidgetEvent = "ready" | "open" | "close" | "message";
type Listener = (detail?: { body: string; at: string }) => void;

interface ChatWidgetApi {
  open(): void;
  close(): void;
  identify(visitor: { name?: string; email?: string; userId?: string; userHash?: string }): void;
  /** Forgets the visitor in this browser (call it when the website's user logs out). */
  reset(): void;
  /** Answers the function that removes the listener. */
  on(event: WidgetEvent, listener: Listener): () => void;
}

type HostCommand = Exclude<HostMessage, { type: "context" }>;

const host = window as Window & { ChatWidget?: ChatWidgetApi };

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src !== "") return current;
  const scripts = Array.from(document.getElementsByTagName("script"));
  return scripts.find((script) => /\/embed\.js(\?|$)/.test(script.src)) ?? null;
}

function start(script: HTMLScriptElement): void {
  const src = new URL(script.src, location.href);
  const apiOrigin = src.origin;
  const websiteId = src.searchParams.get("id");
  if (websiteId === null || !/^[0-9a-f-]{36}$/i.test(websiteId)) {
    console.error("Chat widget: the snippet's src needs ?id=<website id>");
    return;
  }
  const query = optionsQuery(parseOptions(src.searchParams));

  const listeners = new Map<WidgetEvent, Set<Listener>>();
  const queued: HostCommand[] = [];
  let ready = false;
  let frame: HTMLIFrameElement | null = null;

  const emit = (event: WidgetEvent, detail?: { body: string; at: string }) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(detail);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  };
  const post = (message: HostMessage) => frame?.contentWindow?.postMessage(message, apiOrigin);
  const command = (message: HostCommand) => {
    if (ready) post(message);
    else queued.push(message);
  };
  const sendContext = () =>
    post({
      channel: CHANNEL,
      type: "context",
      pageUrl: location.href,
      referrer: document.referrer,
      width: window.innerWidth,
      height: window.innerHeight,
    });

  host.ChatWidget = {
    open: () => command({ channel: CHANNEL, type: "open" }),
    close: () => command({ channel: CHANNEL, type: "close" }),
    reset: () => command({ channel: CHANNEL, type: "reset" }),
    identify: (visitor) => {
      const identity = parseIdentity(visitor);
      if (identity !== null) command({ channel: CHANNEL, type: "identify", identity });
    },
    on: (event, listener) => {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      set.add(listener);
      // Someone who listens for `ready` after it happened still hears it.
      if (event === "ready" && ready) setTimeout(() => listener());
      return () => set.delete(listener);
    },
  };

  const style = (element: HTMLElement, rules: Record<string, string>) => {
    for (const [name, value] of Object.entries(rules)) element.style.setProperty(name, value, "important");
  };

  const mount = () => {
    const iframe = document.createElement("iframe");
    frame = iframe;
    iframe.src = `${apiOrigin}/widget/${encodeURIComponent(websiteId)}${query === "" ? "" : `?${query}`}`;
    iframe.title = "Chat";
    iframe.allow = "clipboard-write";
    iframe.setAttribute("data-chat-widget", "");
    style(iframe, {
      position: "fixed",
      bottom: "0",
      right: "0",
      width: "0",
      height: "0",
      "max-width": "100%",
      "max-height": "100%",
      border: "0",
      margin: "0",
      padding: "0",
      background: "transparent",
      // The frame's page has the normal scheme: a different one here would paint it opaque.
      "color-scheme": "normal",
      "z-index": "2147483000",
      visibility: "hidden",
      display: "block",
    });

    window.addEventListener("message", (event) => {
      if (event.source !== iframe.contentWindow || event.origin !== apiOrigin) return;
      const message = parseFrameMessage(event.data);
      if (message === null) return;
      switch (message.type) {
        case "ready":
          if (ready) return;
          ready = true;
          style(iframe, { visibility: "visible" });
          sendContext();
          for (const queuedCommand of queued.splice(0)) post(queuedCommand);
          emit("ready");
          return;
        case "size":
          style(iframe, {
            left: message.fullscreen || message.position === "left" ? "0" : "auto",
            right: message.fullscreen || message.position === "right" ? "0" : "auto",
            width: message.fullscreen ? "100%" : `${message.width}px`,
            height: message.fullscreen ? "100%" : `${message.height}px`,
          });
          return;
        case "opened":
          // The page may have moved on since (a single-page app): tell the widget where it is now.
          sendContext();
          emit("open");
          return;
        case "closed":
          emit("close");
          return;
        case "message":
          emit("message", { body: message.body, at: message.at });
          return;
      }
    });

    let resizing = 0;
    window.addEventListener("resize", () => {
      if (!ready || resizing !== 0) return;
      resizing = requestAnimationFrame(() => {
        resizing = 0;
        sendContext();
      });
    });
    document.body.appendChild(iframe);
  };

  if (document.body !== null) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}

if (host.ChatWidget === undefined) {
  const script = ownScript();
  if (script === null) console.error("Chat widget: cannot find the embed.js script");
  else start(script);
}
