/**
 * Contacts, in the sidebar: ask someone by username, answer the requests others sent, withdraw
 * one's own, and for each contact (with presence) open the direct conversation, remove them or
 * block them; the people one blocks, each with Unblock (api.md §14).
 */

import { useEffect, useState } from "preact/hooks";

import type { ContactEntry } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import type { Contacts } from "../model/contacts";
import { PresenceDot } from "./PresenceDot";
import { openRoom } from "./route";
import { useModel } from "./use-model";

interface Props {
  model: ChatModel;
  contacts: Contacts;
}

export function ContactsPanel({ model, contacts }: Props) {
  useModel(contacts);
  useEffect(() => void contacts.reload(), [contacts]);
  const [name, setName] = useState("");
  const { list, blocked } = contacts;
  const message = async (entry: ContactEntry) => {
    const roomId = await model.openDirect(entry.username);
    if (roomId !== null) openRoom(roomId);
  };
  return (
    <section class="contacts" aria-label="Contacts">
      <form
        class="one-field"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== "") void contacts.ask(name).then((sent) => sent && setName(""));
        }}
      >
        <label for="contact-ask">Add a contact</label>
        <div class="row">
          <input id="contact-ask" placeholder="Username" value={name} onInput={(event) => setName(event.currentTarget.value)} />
          <button type="submit">Ask</button>
        </div>
      </form>
      {contacts.problem !== null && (
        <p role="alert" class="problem">
          {contacts.problem}{" "}
          <button type="button" class="link" onClick={() => contacts.dismissProblem()}>
            Dismiss
          </button>
        </p>
      )}
      {list.incoming.length > 0 && (
        <People title="Requests" entries={list.incoming}>
          {(entry) => (
            <>
              <button type="button" onClick={() => void contacts.accept(entry.user_id)}>
                Accept
              </button>
              <button type="button" class="secondary" onClick={() => void contacts.decline(entry.user_id)}>
                Decline
              </button>
            </>
          )}
        </People>
      )}
      {list.outgoing.length > 0 && (
        <People title="Asked" entries={list.outgoing}>
          {(entry) => (
            <button type="button" class="secondary" onClick={() => void contacts.cancel(entry.user_id)}>
              Withdraw
            </button>
          )}
        </People>
      )}
      {list.contacts.length === 0 ? (
        <p class="muted">No contacts yet.</p>
      ) : (
        <People title="Contacts" entries={list.contacts}>
          {(entry) => (
            <>
              <button type="button" onClick={() => void message(entry)}>
                Message
              </button>
              <button type="button" class="secondary" onClick={() => void contacts.remove(entry.user_id)}>
                Remove
              </button>
              <button type="button" class="secondary" onClick={() => void contacts.block(entry.user_id)}>
                Block
              </button>
            </>
          )}
        </People>
      )}
      {blocked.length > 0 && (
        <div class="people">
          <h3>Blocked</h3>
          <ul aria-label="Blocked">
            {blocked.map((user) => (
              <li key={user.user_id}>
                <span class="person-name">{user.display_name}</span>
                <button type="button" class="secondary" onClick={() => void contacts.unblock(user.user_id)}>
                  Unblock {user.display_name}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

interface PeopleProps {
  title: string;
  entries: ContactEntry[];
  children: (entry: ContactEntry) => preact.ComponentChildren;
}

function People({ title, entries, children }: PeopleProps) {
  return (
    <div class="people">
      <h3>{title}</h3>
      <ul aria-label={title}>
        {entries.map((entry) => (
          <li key={entry.user_id} aria-label={entry.display_name}>
            {entry.presence !== null && <PresenceDot status={entry.presence} />}
            <span class="person-name">{entry.display_name}</span>
            <span class="muted">@{entry.username}</span>
            <span class="actions">{children(entry)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
