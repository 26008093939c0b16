/**
 * The open widget: a header (the website's name, when to expect a reply or the away note, a
 * close button), the conversation (the greeting, messages, system lines, "Agent is typing…"),
 * and the composer, or the pre-chat form while the website wants a name first.
 */

import { useEffect, useRef } from "preact/hooks";

import type { Strings } from "../app/i18n";
import type { WidgetModel, WidgetState } from "../app/model";
import { Composer } from "./Composer";
import { Conversation } from "./Conversation";
import { PreChat } from "./PreChat";

interface Props {
  state: WidgetState;
  model: WidgetModel;
  t: Strings;
}

export function Panel({ state, model, t }: Props) {
  const panel = useRef<HTMLElement>(null);

  // Opened: straight to the first field (the name, or the message).
  useEffect(() => {
    panel.current?.querySelector<HTMLElement>("input, textarea")?.focus();
  }, []);

  return (
    <section
      ref={panel}
      id="chat-panel"
      class="panel"
      role="dialog"
      aria-modal={state.fullscreen}
      aria-labelledby="chat-title"
      aria-describedby="chat-status"
    >
      <header class="header">
        <div class="heading">
          <h1 id="chat-title">{state.websiteName}</h1>
          <p id="chat-status">{state.away ? t.away : t.replyTime}</p>
        </div>
        <button type="button" class="close" aria-label={t.closeChat} onClick={() => model.setOpen(false)}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
          </svg>
        </button>
      </header>
      <Conversation state={state} model={model} t={t} />
      {state.reconnecting && (
        <p class="note" role="status">
          {t.reconnecting}
        </p>
      )}
      {state.problem !== null && (
        <p class="problem" role="alert">
          {state.problem === "rate_limited" ? t.rateLimited : t.sendProblem}
        </p>
      )}
      {state.askName ? <PreChat busy={state.busy} t={t} onDetails={(name, email) => model.giveDetails(name, email)} /> : <Composer state={state} model={model} t={t} />}
    </section>
  );
}
