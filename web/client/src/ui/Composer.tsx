/**
 * The message box. Enter sends, Shift+Enter starts a new line, Esc cancels a reply or an edit,
 * Up in an empty box edits the user's last message. Typing `@` suggests the room's members
 * (Up/Down to choose, Enter or Tab to complete, Esc to dismiss). Typing is reported as the user
 * types (the SDK throttles it) and stopped when the box is emptied or sent. Files (the attach
 * button, a paste, a drop on the room: `useUploads`) go up at once and show as chips above the
 * box; Send waits for them and posts their ids, with or without text.
 */

import { useEffect, useRef, useState } from "preact/hooks";

import type { RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { type MentionQuery, completeMention, mentionQuery } from "../model/mention-query";
import type { Message } from "../model/timeline";
import { canSend, uploadIds } from "../model/uploads";
import { FileChips } from "./FileChips";
import type { Uploads } from "./use-uploads";

interface Props {
  model: ChatModel;
  roomId: RoomId;
  roomTitle: string;
  replyTo: Message | null;
  editing: Message | null;
  onCancel: () => void;
  onEditLast: () => void;
  /** The files of the message being written (shared with the room, where they can be dropped). */
  uploads: Uploads;
}

export function Composer({ model, roomId, roomTitle, replyTo, editing, onCancel, onEditLast, uploads }: Props) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [chosen, setChosen] = useState(0);
  const candidates = mention === null ? [] : model.mentionCandidates(roomId, mention.query);
  const suggesting = candidates.length > 0;
  const listId = `mentions-${roomId}`;

  const complete = (username: string) => {
    const element = box.current;
    if (mention === null || element === null) return;
    const done = completeMention(text, element.selectionStart, mention, username);
    // The text and the caret after the completed name go in now, in this keystroke's task:
    // a caret set later (an animation frame) could land after the user typed on, and put it
    // back behind what they typed ("just us" became "ust usj"). Preact then finds the value
    // already there and leaves the caret alone.
    element.value = done.text;
    element.setSelectionRange(done.caret, done.caret);
    setText(done.text);
    setMention(null);
  };

  useEffect(() => {
    if (editing !== null) setText(editing.body ?? "");
    box.current?.focus();
  }, [editing, replyTo]);

  const cancel = () => {
    if (editing !== null) setText("");
    onCancel();
  };

  const files = editing === null ? uploads.files : [];
  const sendable = editing !== null ? text.trim() !== "" : canSend(text, files);
  const picker = useRef<HTMLInputElement>(null);

  const submit = () => {
    const body = text.trim();
    if (!sendable) return;
    if (editing !== null) {
      if (body !== editing.body) model.edit(roomId, editing.id, body);
    } else {
      model.post(roomId, body, replyTo?.id ?? null, uploadIds(files));
      uploads.clear();
    }
    setText("");
    onCancel();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggesting && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : candidates.length - 1;
      setChosen((chosen + step) % candidates.length);
      return;
    }
    if (suggesting && (event.key === "Enter" || event.key === "Tab") && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      complete((candidates[chosen] ?? candidates[0])?.username ?? "");
      return;
    }
    if (suggesting && event.key === "Escape") {
      event.preventDefault();
      setMention(null);
      return;
    }
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

  const onInput = (value: string, caret: number) => {
    setText(value);
    setMention(mentionQuery(value, caret));
    setChosen(0);
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
      {suggesting && (
        <ul class="mention-list" id={listId} role="listbox" aria-label="Members to mention">
          {candidates.map((candidate, index) => (
            <li
              key={candidate.userId}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === chosen}
              // Keep the focus in the box: the click completes the name there.
              onMouseDown={(event) => {
                event.preventDefault();
                complete(candidate.username);
              }}
            >
              <strong>{candidate.name}</strong> <span class="muted">@{candidate.username}</span>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && <FileChips files={files} onRemove={uploads.remove} />}
      <div class="row">
        {editing === null && (
          <>
            <button type="button" class="attach" aria-label="Attach files" title="Attach files" onClick={() => picker.current?.click()}>
              +
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              aria-label="Files to attach"
              onChange={(event) => {
                uploads.add([...(event.currentTarget.files ?? [])]);
                event.currentTarget.value = "";
              }}
            />
          </>
        )}
        <textarea
          ref={box}
          rows={1}
          aria-label={`Message ${roomTitle}`}
          placeholder={`Message ${roomTitle}`}
          value={text}
          aria-autocomplete="list"
          aria-controls={suggesting ? listId : undefined}
          aria-activedescendant={suggesting ? `${listId}-${chosen}` : undefined}
          onInput={(event) => onInput(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            const pasted = [...(event.clipboardData?.files ?? [])];
            if (pasted.length === 0 || editing !== null) return;
            event.preventDefault();
            uploads.add(pasted);
          }}
          onBlur={() => {
            setMention(null);
            model.typed(roomId, false);
          }}
        />
        <button type="submit" disabled={!sendable && files.length > 0}>
          {editing !== null ? "Save" : "Send"}
        </button>
      </div>
    </form>
  );
}
