/**
 * The public room directory: the most popular public rooms at once, narrowed as the user types
 * (a quarter of a second after the last key, so typing does not fire a request per letter).
 */

import { useEffect, useState } from "preact/hooks";

import type { DirectoryRoom, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";

/** How long typing must pause before the directory is searched. */
const SEARCH_DELAY_MS = 250;

interface Props {
  model: ChatModel;
  /** Opens a room: joined now (`join`), or already the user's. */
  onOpen: (opening: Promise<RoomId | null>) => void;
}

export function RoomDirectory({ model, onOpen }: Props) {
  const [search, setSearch] = useState("");
  const [rooms, setRooms] = useState<DirectoryRoom[] | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void model.publicRooms(search).then((found) => {
        if (current && found !== null) setRooms(found);
      });
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [model, search]);
  return (
    <div class="directory">
      <label for="directory-search">Find a public room</label>
      <input id="directory-search" type="search" placeholder="Room name" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
      {rooms !== null && (
        <ul class="directory-rooms" aria-label="Public rooms" aria-live="polite">
          {rooms.length === 0 && <li class="muted">No public room is called that.</li>}
          {rooms.map((room) => (
            <li key={room.room_id} aria-label={room.name}>
              <span class="directory-name">{room.name}</span>
              <span class="muted">{room.member_count === 1 ? "1 member" : `${room.member_count} members`}</span>
              {room.joined ? (
                <button type="button" onClick={() => onOpen(Promise.resolve(room.room_id))}>
                  Open
                </button>
              ) : (
                <button type="button" onClick={() => onOpen(model.joinRoom(room.room_id))}>
                  Join
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
