/**
 * One row of a room's history (`timelineRows`): a message under its day's name and the "New
 * messages" line where they apply, a system line (`noteText` words it), or a post not
 * acknowledged yet.
 */

import type { RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { clock } from "../model/days";
import type { Message, Note } from "../model/timeline";
import type { TimelineRow } from "../model/timeline-rows";
import { MessageRow, PendingRow } from "./MessageRow";

interface Props {
  model: ChatModel;
  roomId: RoomId;
  row: TimelineRow;
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  noteText?: ((note: Note) => string) | undefined;
  /** The message a search result leads to. */
  highlighted?: boolean;
}

export function HistoryRow({ model, roomId, row, onReply, onEdit, noteText, highlighted = false }: Props) {
  if (row.kind === "pending") return <PendingRow model={model} post={row.post} />;
  return (
    <>
      {row.day !== null && (
        <div class="day" role="separator" aria-label={row.day}>
          {row.day}
        </div>
      )}
      {row.kind === "message" && row.firstUnread && (
        <div class="day new-messages" role="separator" aria-label="New messages">
          New messages
        </div>
      )}
      {row.kind === "message" ? (
        <MessageRow model={model} roomId={roomId} message={row.message} onReply={onReply} onEdit={onEdit} highlighted={highlighted} />
      ) : (
        <p class="system-line">
          <span>{noteText?.(row.note) ?? ""}</span> <time dateTime={row.note.at}>{clock(row.note.at)}</time>
        </p>
      )}
    </>
  );
}
