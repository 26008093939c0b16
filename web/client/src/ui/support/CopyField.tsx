/**
 * A read-only value to copy (a snippet, a token, a meta tag): its label, the value in a code
 * box, and a Copy button that puts it on the clipboard and says so. Where the clipboard is not
 * available (an insecure origin, a refused permission), it selects the text instead and says
 * how to copy it.
 */

import { useEffect, useId, useRef, useState } from "preact/hooks";

/** How long "Copied" stays. */
const CONFIRMATION_MS = 4000;

interface Props {
  label: string;
  value: string;
  /** A box of a few lines that wraps (a snippet), instead of one line. */
  multiline?: boolean;
}

export function CopyField({ label, value, multiline = false }: Props) {
  const id = useId();
  const box = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [note, setNote] = useState<"copied" | "selected" | null>(null);
  useEffect(() => {
    if (note === null) return;
    const timer = setTimeout(() => setNote(null), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [note]);
  const select = () => box.current?.select();
  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error("no clipboard");
      await navigator.clipboard.writeText(value);
      setNote("copied");
    } catch {
      box.current?.focus();
      select();
      setNote("selected");
    }
  };
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="row">
        {multiline ? (
          <textarea id={id} ref={box} class="code" readOnly rows={3} value={value} onFocus={select} spellcheck={false} />
        ) : (
          <input id={id} ref={box} class="code" readOnly value={value} onFocus={select} spellcheck={false} />
        )}
        <button type="button" class="secondary" aria-label={`Copy ${label.toLowerCase()}`} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <span class="copy-note" role="status">
        {note === "copied" ? "Copied" : note === "selected" ? "Selected: press Ctrl+C (⌘C on a Mac) to copy." : ""}
      </span>
    </div>
  );
}
