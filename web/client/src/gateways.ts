/**
 * How the page finds its gateways. The API role serves this page, so REST is the page's own
 * origin; the gateways may live elsewhere, and `GET /v1/client-config` lists them in three
 * shapes an operator can write without knowing the public host name: an absolute `ws(s)://`
 * URL, a path on the page's host (`/v1/ws`), or a port and path on the page's host name
 * (`:8081/v1/ws`). `?gateway=<ws url>` pins one gateway, for operators and tests.
 */

import type { ClientConfig } from "../../sdk/src/index";

/** The part of `window.location` the resolution needs. */
export interface PageLocation {
  protocol: string;
  host: string;
  hostname: string;
  search: string;
}

/** What this page takes from `GET /v1/client-config` (the SDK reads the upload limits itself). */
export type GatewayConfig = Pick<ClientConfig, "gateways">;

/** One configured entry as an absolute WebSocket URL, or `null` if it is none of the shapes. */
export function resolveGateway(entry: string, page: PageLocation): string | null {
  const scheme = page.protocol === "https:" ? "wss:" : "ws:";
  if (/^wss?:\/\//i.test(entry)) return entry;
  if (entry.startsWith("/")) return `${scheme}//${page.host}${entry}`;
  if (/^:\d+(\/|$)/.test(entry)) return `${scheme}//${page.hostname}${entry}`;
  return null;
}

/** The gateways to rotate among: the pinned one if `?gateway=` names one, else the config's. */
export function gatewayUrls(config: GatewayConfig, page: PageLocation): string[] {
  const pinned = new URLSearchParams(page.search).get("gateway");
  if (pinned !== null && /^wss?:\/\//i.test(pinned)) return [pinned];
  const urls = config.gateways.map((entry) => resolveGateway(entry, page)).filter((url): url is string => url !== null);
  return urls.length > 0 ? urls : [`${page.protocol === "https:" ? "wss:" : "ws:"}//${page.host}/v1/ws`];
}

/**
 * The gateways for this page: the pinned one at once, else the configured ones (or, if the
 * configuration cannot be read, `/v1/ws` on the page's host). The page renders meanwhile.
 */
export function findGateways(page: PageLocation, origin: string): Promise<string[]> {
  const pinned = gatewayUrls({ gateways: [] }, page);
  if (new URLSearchParams(page.search).has("gateway") && pinned.length === 1) return Promise.resolve(pinned);
  return fetchClientConfig(origin)
    .catch((): GatewayConfig => ({ gateways: [] }))
    .then((config) => gatewayUrls(config, page));
}

/** How long the page waits for its configuration before it falls back. */
const CONFIG_TIMEOUT_MS = 10_000;

/** `GET /v1/client-config` (no auth). */
export async function fetchClientConfig(origin: string): Promise<GatewayConfig> {
  const response = await fetch(`${origin}/v1/client-config`, { signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET /v1/client-config: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<GatewayConfig>;
  const gateways = Array.isArray(body.gateways) ? body.gateways.filter((entry): entry is string => typeof entry === "string") : [];
  return { gateways };
}
