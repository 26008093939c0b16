/**
 * The conversation as a log: the greeting first, then messages (the visitor's on the right,
 * with their ticks: ○ sending, ✓ sent, ✓✓ delivered to an agent, ✓✓ in colour once an agent has
 * read them; each named for screen readers and in a tooltip), system lines, and whether an
 * agent is typing. It keeps to the newest line unless the visitor scrolled up.
 */

import { useLayoutEffect, useRef } from "preact/hooks";

import type { Strings } from "../app/i18n";
import type { WidgetModel, WidgetState } from "../app/model";
import type { Delivery, Line } from "../app/timeline";

interface Props {
  state: WidgetState;
  model: WidgetModel;
  t: Strings;
}

export function Conversation({ state, model, t }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const time = new Intl.DateTimeFormat(state.look.language, { hour: "2-digit", minute: "2-digit" });

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element !== null && pinned.current) element.scrollTop = element.scrollHeight;
  }, [state.lines, state.agentTyping]);

  const onScroll = () => {
    const element = scroller.current;
    if (element !== null) pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  };

  return (
    <div class="conversation" ref={scroller} onScroll={onScroll}>
      {state.hasEarlier && (
        <button type="button" class="earlier" onClick={() => void model.loadEarlier()}>
          {t.earlier}
        </button>
      )}
      <div role="log" aria-label={t.conversation} class="log">
        <p class="line theirs greeting">
          <span class="bubble">{state.look.greeting ?? t.greeting}</span>
        </p>
        {state.lines.map((line) => (
          <LineView key={line.key} line={line} t={t} time={time} onRetry={() => model.retry(line.key)} />
        ))}
      </div>
      <p class="typing" role="status">
        {state.agentTyping ? t.agentTyping : ""}
      </p>
    </div>
  );
}

function LineView({ line, t, time, onRetry }: { line: Line; t: Strings; time: Intl.DateTimeFormat; onRetry: () => void }) {
  if (line.kind === "system") {
    return <p class="system">{t.system[line.system]}</p>;
  }
  const at = new Date(line.at);
  return (
    <div class={`line ${line.mine ? "mine" : "theirs"}`}>
      <span class="sr">{line.mine ? t.you : t.agent}: </span>
      <span class={`bubble${line.body === null ? " deleted" : ""}`}>{line.body ?? t.deleted}</span>
      <span class="meta">
        {Number.isNaN(at.getTime()) ? null : <time dateTime={line.at}>{time.format(at)}</time>}
        {line.edited && <span> · {t.edited}</span>}
        {line.delivery !== null && <DeliveryMark delivery={line.delivery} t={t} />}
        {line.delivery === "failed" && (
          <button type="button" class="retry" onClick={onRetry}>
            {t.retry}
          </button>
        )}
      </span>
    </div>
  );
}

const TICKS = { sending: "○", sent: "✓", delivered: "✓✓", read: "✓✓" } as const;

/** The ticks: their name (the status) is what screen readers say and the tooltip shows. */
function DeliveryMark({ delivery, t }: { delivery: Delivery; t: Strings }) {
  if (delivery === "failed") return <span class="delivery failed"> · {t.failed}</span>;
  const label = t[delivery];
  return (
    <span class={`delivery ${delivery}`} role="img" aria-label={label} title={label}>
      {TICKS[delivery]}
    </span>
  );
}
