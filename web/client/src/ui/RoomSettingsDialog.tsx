/**
 * "Room settings", for the owner and admins of a group room: its topic and description (each
 * change is a room event every member sees live, api.md §3.13), and for the owner, deleting the
 * room — a second button confirms, since nothing undoes it.
 */

import { useState } from "preact/hooks";

import type { RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { openRoom } from "./route";

export function RoomSettingsDialog({ model, roomId, onClose }: { model: ChatModel; roomId: RoomId; onClose: () => void }) {
  const room = model.room(roomId);
  const [topic, setTopic] = useState(room?.topic ?? "");
  const [description, setDescription] = useState(room?.description ?? "");
  const [confirming, setConfirming] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    if (await model.changeRoomSettings(roomId, topic, description)) onClose();
  };
  const remove = async () => {
    if (await model.deleteRoom(roomId)) openRoom(null);
  };
  return (
    <aside class="members room-settings" aria-label="Room settings">
      <h3>Room settings</h3>
      <form class="invite-form" onSubmit={(event) => void save(event)}>
        <label>
          Topic{" "}
          <input value={topic} maxLength={250} onInput={(event) => setTopic(event.currentTarget.value)} />
        </label>
        <label>
          Description{" "}
          <textarea value={description} maxLength={2000} rows={4} onInput={(event) => setDescription(event.currentTarget.value)} />
        </label>
        <button type="submit">Save</button>
      </form>
      {room?.role === "owner" &&
        (confirming ? (
          <p>
            Delete the room for everyone? Its members lose it at once.{" "}
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete for everyone
            </button>{" "}
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </p>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            Delete room
          </button>
        ))}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </aside>
  );
}
