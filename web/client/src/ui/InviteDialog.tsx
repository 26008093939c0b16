/**
 * "Invite people", for the owner and admins of a group room: make an invite link with an expiry
 * and a limit on its uses, copy it (its code is shown this once: the server keeps only the
 * invite's id), and see the invites that still let people in, each revocable (api.md §3.12).
 */

import { useEffect, useState } from "preact/hooks";

import type { InviteSummary, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { CopyField } from "./support/CopyField";
import { inviteHref } from "./route";

const EXPIRIES: readonly (readonly [string, string])[] = [
  ["1800", "30 minutes"],
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["604800", "7 days"],
  ["", "Never"],
];

const USES: readonly (readonly [string, string])[] = [
  ["", "No limit"],
  ["1", "1 use"],
  ["5", "5 uses"],
  ["10", "10 uses"],
  ["25", "25 uses"],
  ["100", "100 uses"],
];

/** The link a person opens: this client, at the invite's page. */
export function inviteLink(code: string): string {
  return `${location.origin}${location.pathname}${inviteHref(code)}`;
}

/** An invite as its list line says it: its uses and when it ends. */
export function describeInvite(invite: InviteSummary, now: Date = new Date()): string {
  const uses = invite.max_uses === null ? `${invite.uses} used` : `${invite.uses} of ${invite.max_uses} used`;
  if (invite.expires_at === null) return `${uses}, never expires`;
  const minutes = Math.max(1, Math.round((Date.parse(invite.expires_at) - now.getTime()) / 60_000));
  const left = minutes < 60 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return `${uses}, expires in ${left}`;
}

export function InviteDialog({ model, roomId, onClose }: { model: ChatModel; roomId: RoomId; onClose: () => void }) {
  const [expiry, setExpiry] = useState("86400");
  const [uses, setUses] = useState("");
  const [link, setLink] = useState<string | null>(null);
  const [invites, setInvites] = useState<InviteSummary[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => {
    model.api.invites(roomId).then(setInvites, () => setProblem("Could not list the invites."));
  };
  useEffect(refresh, [model, roomId]);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const made = await model.api.createInvite(roomId, {
        ...(expiry === "" ? {} : { expiresInSecs: Number(expiry) }),
        ...(uses === "" ? {} : { maxUses: Number(uses) }),
      });
      setLink(inviteLink(made.code));
      setProblem(null);
      // (The list is read from the read models, which trail a moment: the new one may come later.)
      const fresh: InviteSummary = {
        invite_id: made.invite_id,
        created_by: model.me,
        created_at: new Date().toISOString(),
        expires_at: made.expires_at,
        max_uses: made.max_uses,
        uses: 0,
      };
      setInvites((listed) => [fresh, ...listed]);
    } catch {
      setProblem("Could not create the invite.");
    }
  };
  const revoke = async (invite: InviteSummary) => {
    try {
      await model.api.revokeInvite(roomId, invite.invite_id);
      setInvites((listed) => listed.filter((other) => other.invite_id !== invite.invite_id));
    } catch {
      setProblem("Could not revoke the invite.");
    }
  };

  return (
    <aside class="members invites" aria-label="Invite people">
      <h3>Invite people</h3>
      <form class="invite-form" onSubmit={(event) => void create(event)}>
        <label>
          Expires after{" "}
          <select value={expiry} onChange={(event) => setExpiry(event.currentTarget.value)}>
            {EXPIRIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Uses{" "}
          <select value={uses} onChange={(event) => setUses(event.currentTarget.value)}>
            {USES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Create link</button>
      </form>
      {link !== null && <CopyField label="Invite link" value={link} />}
      {link !== null && <p class="muted">Copy it now: the link is shown only this once.</p>}
      {problem !== null && <p role="alert">{problem}</p>}
      <h4>Active invites</h4>
      {invites.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul aria-label="Active invites">
          {invites.map((invite) => (
            <li key={invite.invite_id}>
              <span>{describeInvite(invite)}</span>{" "}
              <button type="button" class="link" aria-label={`Revoke invite: ${describeInvite(invite)}`} onClick={() => void revoke(invite)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </aside>
  );
}
