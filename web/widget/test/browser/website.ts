/**
 * A website whose widget shows on a site served on 127.0.0.1 (`LocalSite`), and that site's page
 * with the snippet: what the widget's browser tests and its benchmark (web/bench/) both start
 * from. The domain check reaches the site only when the server runs with
 * `CHAT_VERIFY_ALLOW_LOOPBACK=true`. No vitest here: the benchmark is a script.
 */

import type { WebsiteId } from "../../../sdk/src/index";
import { type Account, type Stack, eventually } from "../../../sdk/test/system/harness";
import type { LocalSite } from "../../../client/test/browser/local-site";

const VERIFICATION_FILE = "/.well-known/chat-verification.txt";

/** A new owner's website named `name`, with `site`'s domain verified and its widget readable. */
export async function verifiedWebsite(stack: Stack, name: string, site: LocalSite): Promise<{ websiteId: WebsiteId; owner: Account }> {
  const owner = await stack.account("owner");
  const { website_id: websiteId } = await owner.api.createWebsite(name);
  const { token } = await owner.api.addDomain(websiteId, site.domain);
  site.serve(VERIFICATION_FILE, `${token}\n`);
  const check = await owner.api.checkDomain(websiteId, site.domain);
  if (!check.verified) throw new Error(`the domain check of ${site.domain} failed: ${JSON.stringify(check)}`);
  // The widget's routes read the support read model, which trails the check by a moment.
  await eventually("the widget's settings", async () => (await fetch(`${stack.apiUrl}/v1/widget/${websiteId}`)).ok);
  return { websiteId, owner };
}

/** The snippet a website puts on its pages; `options` follow the id (`&colorPreset=green`). */
export function snippet(apiUrl: string, websiteId: WebsiteId, options = ""): string {
  return `<script src="${apiUrl}/embed.js?id=${websiteId}${options}" async></script>`;
}

/** A page of the website with `end` (a snippet) at the end of its body and `head` in its head. */
export function shopPage(end: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shop</title>${head}</head>
<body><h1>Acme Shop</h1><p>Everything for your garden.</p>${end}</body></html>`;
}
