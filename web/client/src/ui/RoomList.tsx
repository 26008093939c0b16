/**
 * The rooms of the user, most recently active first: name (the other person for a direct
 * room, with their presence; private rooms marked), last message, unread and mention badges.
 * Above it the user's menu (their name, which they can change) and the way to the Support area
 * (the user's support-chat websites, with how many of their visitors' conversations wait for
 * them), below it the forms that start a conversation. Support conversations are not rooms of
 * this list: they are answered from the inboxes. The search box is at the top; while a search is
 * shown, its results stand in the list's place.
 */

import { useState } from "preact/hooks";

import type { RoomId, RoomSummary } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { MessageSearch } from "../model/message-search";
import { ContactsPanel } from "./ContactsPanel";
import { MessageSearchBox, MessageSearchResults } from "./MessageSearchBox";
import { MyName } from "./MyName";
import { PresenceDot } from "./PresenceDot";
import { StartConversation } from "./StartConversation";
import { ThemeToggle } from "./ThemeToggle";
import { SUPPORT_HREF, roomHref } from "./route";
import { useModel } from "./use-model";

interface Props {
  model: ChatModel;
  openRoomId: RoomId | null;
  /** Whether the Support area is open (instead of a room). */
  supportOpen: boolean;
  onLogOut: () => void;
}

export function RoomList({ model, openRoomId, supportOpen, onLogOut }: Props) {
  const [starting, setStarting] = useState(false);
  const [showingContacts, setShowingContacts] = useState(false);
  const [search] = useState(() => new MessageSearch(model.api));
  useModel(search);
  const rooms = model.roomList();
  return (
    <nav class="sidebar" aria-label="Rooms">
      <header class="sidebar-header">
        <h1>Chat</h1>
        <MyName model={model} />
        <ThemeToggle />
        <button type="button" class="secondary" onClick={onLogOut}>
          Log out
        </button>
      </header>
      <MessageSearchBox search={search} />
      <a href={SUPPORT_HREF} class="area-link" aria-current={supportOpen ? "page" : undefined}>
        Support
        {model.supportWaiting > 0 && (
          <span class="badge" aria-label={`${model.supportWaiting} waiting`}>
            {model.supportWaiting}
          </span>
        )}
      </a>
      <button type="button" aria-expanded={starting} onClick={() => setStarting(!starting)}>
        New conversation
      </button>
      {starting && <StartConversation model={model} onDone={() => setStarting(false)} />}
      <button type="button" aria-expanded={showingContacts} onClick={() => setShowingContacts(!showingContacts)}>
        Contacts
        {model.contacts.waiting > 0 && (
          <span class="badge" aria-label={`${model.contacts.waiting} requests`}>
            {model.contacts.waiting}
          </span>
        )}
      </button>
      {showingContacts && <ContactsPanel model={model} contacts={model.contacts} />}
      {search.active ? (
        <MessageSearchResults model={model} search={search} />
      ) : rooms.length === 0 ? (
        <p class="muted">No rooms yet.</p>
      ) : (
        <ul class="room-list">
          {rooms.map((room) => (
            <RoomEntry key={room.room_id} model={model} room={room} open={room.room_id === openRoomId} />
          ))}
        </ul>
      )}
    </nav>
  );
}

function RoomEntry({ model, room, open }: { model: ChatModel; room: RoomSummary; open: boolean }) {
  const peer = room.kind === "direct" ? model.peer(room.room_id) : null;
  const last = room.last_message;
  const preview =
    last === null
      ? ""
      : model.contacts.blocks(last.author_id)
        ? "A message from someone you blocked"
        : `${last.author_id === model.me ? "You" : model.person(last.author_id).name}: ${last.preview}`;
  return (
    <li>
      <a href={roomHref(room.room_id)} aria-current={open ? "page" : undefined} class="room-entry">
        <span class="room-title">
          {peer !== null && <PresenceDot status={model.person(peer).presence} />}
          <span>{model.title(room)}</span>
          {room.visibility === "private" && (
            <>
              {" "}
              <span class="role">private</span>
            </>
          )}
        </span>
        <span class="room-preview">{preview}</span>
        {room.unread_count > 0 && (
          <span class="badge" aria-label={`${room.unread_count} unread`}>
            {room.unread_count}
          </span>
        )}
        {room.unread_mentions > 0 && (
          <span class="badge mention" aria-label={`${room.unread_mentions} ${room.unread_mentions === 1 ? "mention" : "mentions"}`}>
            @{room.unread_mentions}
          </span>
        )}
      </a>
    </li>
  );
}
