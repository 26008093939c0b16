/** The pre-chat form: the visitor's name before their first message (api.md §11.2 `pre_chat_form`). */

import { useState } from "preact/hooks";

import type { Strings } from "../app/i18n";
import { MAX_NAME, displayName } from "../messages";

interface Props {
  busy: boolean;
  t: Strings;
  onName: (name: string) => Promise<boolean>;
}

export function PreChat({ busy, t, onName }: Props) {
  const [name, setName] = useState("");
  const valid = displayName(name);
  return (
    <form
      class="prechat"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid !== null) void onName(valid);
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
      <button type="submit" class="start" disabled={busy || valid === null}>
        {t.startChat}
      </button>
    </form>
  );
}
