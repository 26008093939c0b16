/**
 * Create a group room, find a public room in the directory (or join one by its id or link), or
 * open a direct conversation.
 */

import { useState } from "preact/hooks";

import type { RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { RoomDirectory } from "./RoomDirectory";
import { openRoom } from "./route";

interface Props {
  model: ChatModel;
  onDone: () => void;
}

export function StartConversation({ model, onDone }: Props) {
  const go = async (opening: Promise<RoomId | null>) => {
    const roomId = await opening;
    if (roomId === null) return;
    onDone();
    openRoom(roomId);
  };
  return (
    <section class="start" aria-label="Start a conversation">
      <OneField label="New group room" placeholder="Room name" action="Create" onSubmit={(name, isPublic) => go(model.createRoom(name, isPublic))} withVisibility />
      <RoomDirectory model={model} onOpen={(opening) => void go(opening)} />
      <OneField label="Join by room id" placeholder="Room id or link" action="Join" onSubmit={(id) => go(model.joinRoom(id))} />
      <OneField label="Direct message" placeholder="Username" action="Open" onSubmit={(name) => go(model.openDirect(name))} />
    </section>
  );
}

interface FieldProps {
  label: string;
  placeholder: string;
  action: string;
  onSubmit: (value: string, isPublic: boolean) => Promise<void>;
  withVisibility?: boolean;
}

function OneField({ label, placeholder, action, onSubmit, withVisibility = false }: FieldProps) {
  const [value, setValue] = useState("");
  const [isPublic, setPublic] = useState(true);
  const id = `start-${action.toLowerCase()}`;
  return (
    <form
      class="one-field"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() !== "") void onSubmit(value.trim(), isPublic).then(() => setValue(""));
      }}
    >
      <label for={id}>{label}</label>
      <div class="row">
        <input id={id} placeholder={placeholder} value={value} onInput={(event) => setValue(event.currentTarget.value)} />
        <button type="submit">{action}</button>
      </div>
      {withVisibility && (
        <label class="check">
          <input type="checkbox" checked={isPublic} onChange={(event) => setPublic(event.currentTarget.checked)} /> Public
        </label>
      )}
    </form>
  );
}
