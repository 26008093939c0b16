/** Says when the live connection is not there, and how many sends wait for it. */

import type { ChatModel } from "../model/chat-model";

const TEXT = {
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  offline: "Offline",
} as const;

export function ConnectionBanner({ model }: { model: ChatModel }) {
  const state = model.connection;
  const queued = model.queued;
  return (
    <div role="status" class={state === "connected" ? "banner hidden" : `banner ${state}`}>
      {state !== "connected" && (
        <>
          {TEXT[state]}
          {queued > 0 && ` ${queued} ${queued === 1 ? "message" : "messages"} queued`}
        </>
      )}
    </div>
  );
}
