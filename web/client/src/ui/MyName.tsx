/** The user's own name atop the room list; a click changes their display name. */

import { useState } from "preact/hooks";

import type { ChatModel } from "../model/chat-model";

export function MyName({ model }: { model: ChatModel }) {
  const name = model.person(model.me).name;
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <button type="button" class="link me" aria-label={`${name} (change your display name)`} onClick={() => setDraft(name)}>
        {name}
      </button>
    );
  }
  return (
    <form
      class="one-field me"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.trim() === "") return;
        void model.setDisplayName(draft).then((changed) => changed && setDraft(null));
      }}
    >
      <label for="display-name">Display name</label>
      <div class="row">
        <input id="display-name" value={draft} maxLength={100} onInput={(event) => setDraft(event.currentTarget.value)} />
        <button type="submit">Save</button>
        <button type="button" class="secondary" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
