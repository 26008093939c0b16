/** The snippet a website's owner pastes into their pages to load the support-chat widget. */

import type { WebsiteId } from "../../../sdk/src/index";

/** `<script src="https://chat.example/embed.js?id=…" async></script>`, served by this API. */
export function embedSnippet(origin: string, websiteId: WebsiteId): string {
  return `<script src="${origin}/embed.js?id=${encodeURIComponent(websiteId)}" async></script>`;
}
