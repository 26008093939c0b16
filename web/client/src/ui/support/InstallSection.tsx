/** The snippet that loads the widget, to paste into the website's pages. */

import type { WebsiteDetail } from "../../../../sdk/src/index";
import { embedSnippet } from "../../model/install";
import { domainCountText } from "../../model/verification";
import { websiteHref } from "../route";
import { CopyField } from "./CopyField";

export function InstallSection({ detail }: { detail: WebsiteDetail }) {
  const verified = detail.domains.filter((domain) => domain.status === "verified").length;
  return (
    <section class="support-section" aria-labelledby="install-title">
      <h3 id="install-title">Install</h3>
      <p>
        Paste this snippet into every page where visitors should be able to chat, just before <code>&lt;/body&gt;</code>.
      </p>
      <CopyField label="Snippet" value={embedSnippet(location.origin, detail.website_id)} multiline />
      <p class="muted">
        The widget runs on the website's domains, once you have proved they are yours (
        {domainCountText(verified, detail.domains.length).toLowerCase()}): <a href={websiteHref(detail.website_id, "domains")}>Domains</a>.
      </p>
    </section>
  );
}
