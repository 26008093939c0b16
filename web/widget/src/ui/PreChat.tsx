/**
 * The pre-chat form: the visitor's name, and optionally an email address for an answer later,
 * before their first message (api.md §11.2 `pre_chat_form`).
 */

import { useState } from "preact/hooks";

import type { Strings } from "../app/i18n";
import { MAX_EMAIL, MAX_NAME, displayName, emailAddress } from "../messages";

interface Props {
  busy: boolean;
  t: Strings;
  onDetails: (name: string, email: string | null) => Promise<boolean>;
}

export function PreChat({ busy, t, onDetails }: Props) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const valid = displayName(name);
  // Optional, but if given it must be an address.
  const address = email.trim() === "" ? null : emailAddress(email);
  const emailOk = email.trim() === "" || address !== null;
  return (
    <form
      class="prechat"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid !== null && emailOk) void onDetails(valid, address);
      }}
    >
      <p id="chat-ask-name">{t.askName}</p>
      <label>
        {t.nameLabel}
        <input
          type="text"
          autocomplete="name"
          required
          maxLength={MAX_NAME}
          value={name}
          onInput={(event) => setName((event.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t.emailLabel}
        <input
          type="email"
          autocomplete="email"
          maxLength={MAX_EMAIL}
          value={email}
          aria-invalid={!emailOk}
          onInput={(event) => setEmail((event.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="start" disabled={busy || valid === null || !emailOk}>
        {t.startChat}
      </button>
    </form>
  );
}
