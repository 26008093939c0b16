/**
 * The page of an invite link (`#/invite/<code>`): the room's name and size, without joining,
 * and Join, which joins and opens the room. A link that has ended, or a room one is banned from,
 * says why (api.md §3.12, §3.13).
 */

import { useEffect, useState } from "preact/hooks";

import { ChatApiError, type InvitePreview } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { openRoom } from "./route";

const REFUSALS: Partial<Record<string, string>> = {
  invite_not_found: "This invite link is not valid.",
  invite_expired: "This invite link has expired.",
  invite_revoked: "This invite link was revoked.",
  invite_used_up: "This invite link has been used as often as it allows.",
  user_banned: "You are banned from this room.",
  room_not_found: "This room no longer exists.",
};

/** What to tell the person about a failed preview or join. */
export function inviteRefusal(error: unknown): string {
  const known = error instanceof ChatApiError ? REFUSALS[error.code] : undefined;
  return known ?? "The invite could not be opened. Try again.";
}

export function InvitePage({ model, code }: { model: ChatModel; code: string }) {
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [joining, setJoining] = useState(false);
  useEffect(() => {
    let live = true;
    setPreview(null);
    setProblem(null);
    model.api.previewInvite(code).then(
      (found) => {
        if (live) setPreview(found);
      },
      (error: unknown) => {
        if (live) setProblem(inviteRefusal(error));
      },
    );
    return () => {
      live = false;
    };
  }, [model, code]);
  const join = async () => {
    setJoining(true);
    try {
      const accepted = await model.api.acceptInvite(code);
      openRoom(accepted.room_id);
    } catch (error) {
      setJoining(false);
      setProblem(inviteRefusal(error));
    }
  };

  return (
    <main class="room empty-room invite-page" aria-label="Invite">
      {problem !== null ? (
        <p role="alert">{problem}</p>
      ) : preview === null ? (
        <p>Opening the invite…</p>
      ) : (
        <section>
          <p>You are invited to</p>
          <h2>{preview.name}</h2>
          <p>{preview.member_count === 1 ? "1 member" : `${preview.member_count} members`}</p>
          {preview.is_member ? (
            <button type="button" onClick={() => openRoom(preview.room_id)}>
              Open the room
            </button>
          ) : (
            <button type="button" disabled={joining} onClick={() => void join()}>
              Join
            </button>
          )}
        </section>
      )}
    </main>
  );
}
