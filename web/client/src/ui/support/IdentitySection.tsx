/**
 * Identity verification (api.md §12.4), for the website's owner only: whether the website has
 * an identity secret, the secret itself (masked until revealed: it vouches for every user's
 * conversations, and screens get shared), making one or a new one (behind a confirm step, since
 * a new secret breaks the signatures the website makes now), and the lines its server and page
 * need.
 */

import { useEffect, useId, useState } from "preact/hooks";

import type { WebsiteDetail } from "../../../../sdk/src/index";
import { PAGE_SNIPPET, SECRET_VARIABLE, SERVER_SNIPPETS, maskedSecret } from "../../model/identity";
import type { Websites } from "../../model/websites";
import { CopyField } from "./CopyField";

interface Props {
  websites: Websites;
  detail: WebsiteDetail;
}

export function IdentitySection({ websites, detail }: Props) {
  const websiteId = detail.website_id;
  /** `undefined` until read; `null`: the website has none. */
  const [secret, setSecret] = useState<string | null | undefined>(undefined);
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setSecret(undefined);
    setProblem(null);
    void websites.identitySecret(websiteId).then((read) => {
      if (!current) return;
      if (read.ok) setSecret(read.value);
      else setProblem(read.problem);
    });
    return () => {
      current = false;
    };
  }, [websites, websiteId]);

  const make = async () => {
    const replacing = secret != null;
    setBusy(true);
    setNote(null);
    setProblem(null);
    const made = await websites.rotateIdentitySecret(websiteId);
    setBusy(false);
    setConfirming(false);
    if (!made.ok) {
      setProblem(made.problem);
      return;
    }
    setSecret(made.value);
    setNote(replacing ? "New secret made: the old one no longer verifies." : "Secret made.");
  };

  return (
    <section class="support-section" aria-labelledby="identity-title">
      <h3 id="identity-title">Identity verification</h3>
      <p>
        If your visitors log in to your website, its server can vouch for who each of them is: they then find their conversations on
        every device, and your agents see whom the website identified. The server signs each logged-in user's id with this secret, so keep
        it on the server and never in a page.
      </p>
      {secret === undefined ? (
        problem === null && <p class="muted">Reading the secret…</p>
      ) : secret === null ? (
        <div class="row">
          <p class="muted">No secret yet.</p>
          <button type="button" disabled={busy} onClick={() => void make()}>
            {busy ? "Making…" : "Make a secret"}
          </button>
        </div>
      ) : (
        <>
          {revealed ? (
            <CopyField label="Identity secret" value={secret} />
          ) : (
            <p>
              Identity secret: <span class="code-inline">{maskedSecret(secret)}</span> (hidden)
            </p>
          )}
          <div class="row">
            <button type="button" class="secondary" onClick={() => setRevealed(!revealed)}>
              {revealed ? "Hide" : "Reveal"}
            </button>
            <button type="button" class="secondary" disabled={busy || confirming} onClick={() => setConfirming(true)}>
              Rotate secret
            </button>
          </div>
          {confirming && <ConfirmRotation busy={busy} onConfirm={() => void make()} onCancel={() => setConfirming(false)} />}
        </>
      )}
      <p role="status">{note}</p>
      {problem !== null && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
      <h4>On your server</h4>
      <p class="muted">
        Sign the logged-in user's id with the secret, read here from the environment variable <span class="code-inline">{SECRET_VARIABLE}</span>:
      </p>
      {SERVER_SNIPPETS.map((snippet) => (
        <CopyField key={snippet.label} label={snippet.label} value={snippet.code} multiline />
      ))}
      <h4>In your page</h4>
      <p class="muted">Give the widget the user's id and that signature (name and email are optional), after the install snippet:</p>
      <CopyField label={PAGE_SNIPPET.label} value={PAGE_SNIPPET.code} multiline />
      <p class="muted">
        When the user logs out, call <span class="code-inline">ChatWidget.reset()</span>: whoever uses that browser next starts anonymous.
      </p>
    </section>
  );
}

interface ConfirmProps {
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** The step before a new secret: the website's signatures stop verifying at once. */
function ConfirmRotation({ busy, onConfirm, onCancel }: ConfirmProps) {
  const id = useId();
  return (
    <div class="confirm" role="group" aria-labelledby={id}>
      <p id={id}>
        Make a new secret? The current one stops verifying at once: your website cannot identify its visitors until its server signs
        with the new one.
      </p>
      <div class="row">
        <button type="button" disabled={busy} onClick={onConfirm}>
          {busy ? "Rotating…" : "Rotate"}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
