/**
 * The open room lives in the URL's hash (`#/rooms/<id>`), so a reload, the back button and a
 * shared link all land on the same room.
 */

import { useEffect, useState } from "preact/hooks";

import type { RoomId } from "../../../sdk/src/index";

export function roomFromHash(hash: string): RoomId | null {
  const match = /^#\/rooms\/([^/?#]+)$/.exec(hash);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}

export function roomHref(roomId: RoomId): string {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}

export function openRoom(roomId: RoomId | null): void {
  location.hash = roomId === null ? "#/" : roomHref(roomId);
}

/** The room in the URL, following navigation. */
export function useRoute(): RoomId | null {
  const [roomId, setRoomId] = useState(() => roomFromHash(location.hash));
  useEffect(() => {
    const update = () => setRoomId(roomFromHash(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return roomId;
}
