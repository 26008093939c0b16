/**
 * Where the visitor writes: Enter sends, Shift+Enter starts a new line; while they type, the
 * agents see them typing. The text stays until the widget has taken the message (the first one
 * creates the visitor and the conversation), so nothing typed is lost to a failure.
 */

import { useLayoutEffect, useRef, useState } from "preact/hooks";

import type { Strings } from "../app/i18n";
import type { WidgetModel, WidgetState } from "../app/model";
import { MAX_BODY } from "../messages";

interface Props {
  state: WidgetState;
  model: WidgetModel;
  t: Strings;
}

export function Composer({ state, model, t }: Props) {
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);

  // The box grows with what is written (up to a few lines), and shrinks back once it is sent.
  useLayoutEffect(() => {
    const element = area.current;
    if (element === null) return;
    element.style.height = "auto";
    if (text !== "") element.style.height = `${Math.min(element.scrollHeight + 2, 120)}px`;
  }, [text]);

  const submit = async () => {
    if (text.trim() === "") return;
    if (await model.send(text)) {
      setText("");
      model.typing(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  const onInput = (event: Event) => {
    const value = (event.currentTarget as HTMLTextAreaElement).value;
    setText(value);
    model.typing(value.trim() !== "");
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <textarea
        ref={area}
        aria-label={t.messageLabel}
        placeholder={t.placeholder}
        rows={1}
        maxLength={MAX_BODY}
        value={text}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (text.trim() === "") model.typing(false);
        }}
      />
      <button type="submit" class="send" aria-label={t.send} disabled={state.busy || text.trim() === ""}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
        </svg>
      </button>
    </form>
  );
}
