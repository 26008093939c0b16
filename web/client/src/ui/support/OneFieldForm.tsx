/**
 * A form of one text field and a button (a new website, a domain, an agent, a new name): busy
 * while the action runs, cleared when it succeeds, and the refusal under the field (linked to
 * it, and announced) when it does not.
 */

import type { ComponentChildren } from "preact";
import { useId, useState } from "preact/hooks";

import type { Outcome } from "../../model/websites";

interface Props {
  label: string;
  placeholder: string;
  action: string;
  busyAction: string;
  onSubmit: (value: string) => Promise<Outcome<unknown>>;
  /** A hint under the field (what to type). */
  hint?: ComponentChildren;
  maxLength?: number;
  initial?: string;
  /** A Cancel button, for a form that replaces something shown. */
  onCancel?: () => void;
}

export function OneFieldForm({ label, placeholder, action, busyAction, onSubmit, hint, maxLength, initial = "", onCancel }: Props) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const described = [hint === undefined ? null : `${id}-hint`, problem === null ? null : `${id}-problem`].filter((part) => part !== null);
  return (
    <form
      class="one-field"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() === "" || busy) return;
        setBusy(true);
        setProblem(null);
        void onSubmit(value.trim()).then((outcome) => {
          setBusy(false);
          if (outcome.ok) setValue(initial);
          else setProblem(outcome.problem);
        });
      }}
    >
      <label for={id}>{label}</label>
      <div class="row">
        <input
          id={id}
          placeholder={placeholder}
          value={value}
          maxLength={maxLength}
          aria-invalid={problem !== null}
          aria-describedby={described.length === 0 ? undefined : described.join(" ")}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? busyAction : action}
        </button>
        {onCancel !== undefined && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {hint !== undefined && (
        <span id={`${id}-hint`} class="muted hint">
          {hint}
        </span>
      )}
      {problem !== null && (
        <p id={`${id}-problem`} role="alert" class="problem">
          {problem}
        </p>
      )}
    </form>
  );
}
