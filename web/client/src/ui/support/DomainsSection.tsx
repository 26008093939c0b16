/**
 * The website's domains (api.md §11.1): each with its status, its token and the two ways to
 * publish it (a file, a meta tag), and for the owner "Check now" and Remove; the owner lists a
 * new domain above them.
 */

import { useId, useState } from "preact/hooks";

import type { DomainView, WebsiteDetail } from "../../../../sdk/src/index";
import { VERIFICATION_FILE_PATH, domainStatusText, verificationFileUrl, verificationMetaTag } from "../../model/verification";
import type { Websites } from "../../model/websites";
import { CopyField } from "./CopyField";
import { OneFieldForm } from "./OneFieldForm";

interface Props {
  websites: Websites;
  detail: WebsiteDetail;
}

export function DomainsSection({ websites, detail }: Props) {
  const owner = detail.role === "owner";
  return (
    <section class="support-section" aria-labelledby="domains-title">
      <h3 id="domains-title">Domains</h3>
      <p class="muted">
        The widget loads only on these domains. Prove that each is yours: publish its token as a file or as a meta tag on the
        site, then check.
      </p>
      {owner && (
        <OneFieldForm
          label="Add a domain"
          placeholder="shop.example.com"
          action="Add"
          busyAction="Adding…"
          maxLength={259}
          hint="The host name, with its port if not 80 or 443 (shop.example.com, localhost:3000); a pasted address counts for its host."
          onSubmit={(domain) => websites.addDomain(detail.website_id, domain)}
        />
      )}
      {detail.domains.length === 0 ? (
        <p class="muted">No domains yet.</p>
      ) : (
        <ul class="domain-list" aria-label="Domains">
          {detail.domains.map((domain) => (
            <DomainRow key={domain.domain} websites={websites} detail={detail} domain={domain} owner={owner} />
          ))}
        </ul>
      )}
    </section>
  );
}

interface RowProps {
  websites: Websites;
  detail: WebsiteDetail;
  domain: DomainView;
  owner: boolean;
}

function DomainRow({ websites, detail, domain, owner }: RowProps) {
  const nameId = useId();
  const [busy, setBusy] = useState<"checking" | "removing" | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const check = async () => {
    setBusy("checking");
    setNote(null);
    const checked = await websites.checkDomain(detail.website_id, domain.domain);
    setBusy(null);
    if (!checked.ok) setNote(checked.problem);
  };
  const remove = async () => {
    setBusy("removing");
    setNote(null);
    const removed = await websites.removeDomain(detail.website_id, domain.domain);
    setBusy(null);
    if (!removed.ok) setNote(removed.problem);
  };
  const publish = <Publish domain={domain} />;
  return (
    <li class="domain" aria-label={domain.domain}>
      <div class="domain-head">
        <strong id={nameId} class="domain-name">
          {domain.domain}
        </strong>
        <span class={`domain-status ${domain.status}`}>{domainStatusText(domain)}</span>
        {domain.checked_at !== null && <span class="muted checked-at">Last checked {new Date(domain.checked_at).toLocaleString()}</span>}
      </div>
      {domain.status === "verified" ? (
        <details>
          <summary>Token and how it is published</summary>
          {publish}
        </details>
      ) : (
        publish
      )}
      {owner && (
        <div class="row domain-actions">
          <button type="button" aria-describedby={nameId} disabled={busy !== null} onClick={() => void check()}>
            {busy === "checking" ? "Checking…" : "Check now"}
          </button>
          <button type="button" class="secondary" aria-describedby={nameId} disabled={busy !== null} onClick={() => void remove()}>
            {busy === "removing" ? "Removing…" : "Remove"}
          </button>
        </div>
      )}
      <p class="check-note" role="status">
        {busy === "checking" ? `Checking ${domain.domain}…` : note}
      </p>
    </li>
  );
}

/** The token and the two ways to publish it. */
function Publish({ domain }: { domain: DomainView }) {
  return (
    <div class="publish">
      <CopyField label="Token" value={domain.token} />
      <p>Publish it in one of two ways:</p>
      <ol>
        <li>
          <span>
            As a file: the token as plain text at <span class="code-inline">{verificationFileUrl(domain.domain)}</span> (or http)
          </span>
          <CopyField label="File path" value={VERIFICATION_FILE_PATH} />
        </li>
        <li>
          <span>
            As a meta tag in the <span class="code-inline">&lt;head&gt;</span> of the home page
          </span>
          <CopyField label="Meta tag" value={verificationMetaTag(domain.token)} />
        </li>
      </ol>
    </div>
  );
}
