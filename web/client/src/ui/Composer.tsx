/**
 * The message box. Enter sends, Shift+Enter starts a new line, Esc cancels a reply or an edit,
 * Up in an empty box edits the user's last message. Typing is reported as the user types
 * (the SDK throttles it) and stopped when the box is emptied or sent.
 */

import { useEffect, useRef, useState } from "preact/hooks";

import type { RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import type { Message } from "../model/timeline";

interface Props {
  model: ChatModel;
  roomId: RoomId;
  roomTitle: string;
  replyTo: Message | null;
  editing: Message | null;
  onCancel: () => void;
  onEditLast: () => void;
}

export function Composer({ model, roomId, roomTitle, replyTo, editing, onCancel, onEditLast }: Props) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (editing !== null) setText(editing.body ?? "");
    box.current?.focus();
  }, [editing, replyTo]);

  const cancel = () => {
    if (editing !== null) setText("");
    onCancel();
  };

  const submit = () => {
    const body = text.trim();
    if (body === "") return;
    if (editing !== null) {
      if (body !== editing.body) model.edit(roomId, editing.id, body);
    } else {
      model.post(roomId, body, replyTo?.id ?? null);
    }
    setText("");
    onCancel();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape" && (editing !== null || replyTo !== null)) {
      event.preventDefault();
      cancel();
    } else if (event.key === "ArrowUp" && text === "" && editing === null) {
      event.preventDefault();
      onEditLast();
    }
  };

  const onInput = (value: string) => {
    setText(value);
    if (editing === null) model.typed(roomId, value.trim() !== "");
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {(replyTo !== null || editing !== null) && (
        <div class="composer-context">
          <span>
            {editing !== null
              ? "Editing your message"
              : `Replying to ${replyTo === null ? "" : model.person(replyTo.author).name}: ${replyTo?.body ?? ""}`}
          </span>
          <button type="button" class="link" onClick={cancel}>
            {editing !== null ? "Cancel edit" : "Cancel reply"}
          </button>
        </div>
      )}
      <div class="row">
        <textarea
          ref={box}
          rows={1}
          aria-label={`Message ${roomTitle}`}
          placeholder={`Message ${roomTitle}`}
          value={text}
          onInput={(event) => onInput(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          onBlur={() => model.typed(roomId, false)}
        />
        <button type="submit">{editing !== null ? "Save" : "Send"}</button>
      </div>
    </form>
  );
}
