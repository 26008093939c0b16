/** The round button in the page's corner: opens and closes the panel, and counts unread messages. */

import type { Ref } from "preact";

import type { Strings } from "../app/i18n";

interface Props {
  buttonRef: Ref<HTMLButtonElement>;
  open: boolean;
  unread: number;
  t: Strings;
  onToggle: () => void;
}

export function Launcher({ buttonRef, open, unread, t, onToggle }: Props) {
  const label = open ? t.closeChat : unread > 0 ? `${t.openChat}, ${t.unread(unread)}` : t.openChat;
  return (
    <button ref={buttonRef} type="button" class="launcher" aria-label={label} aria-expanded={open} aria-controls={open ? "chat-panel" : undefined} onClick={onToggle}>
      <svg viewBox="0 0 24 24" width="50%" height="50%" aria-hidden="true" focusable="false">
        {open ? (
          <path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
        ) : (
          <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
        )}
      </svg>
      {!open && unread > 0 && (
        <span class="badge" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </button>
  );
}
