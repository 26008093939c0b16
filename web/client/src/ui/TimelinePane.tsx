/**
 * What a room and a support conversation share: the virtualised history, who is typing, and the
 * composer. Reply and edit targets live here, shared by the rows (which start them) and the
 * composer (which completes them), and so do the files being attached: a file dropped anywhere
 * on the pane joins them.
 */

import { useCallback, useState } from "preact/hooks";

import type { ChatModel } from "../model/chat-model";
import type { Message, Note } from "../model/timeline";
import { type TimelineRow, rowKey } from "../model/timeline-rows";
import { Composer } from "./Composer";
import { HistoryRow } from "./HistoryRow";
import { VirtualList } from "./VirtualList";
import { useUploads } from "./use-uploads";

interface Props {
  model: ChatModel;
  roomId: string;
  /** The room's name, for the composer. */
  title: string;
  /** The history's accessible name. */
  label: string;
  rows: TimelineRow[];
  /** How system events (support conversations) read. */
  noteText?: ((note: Note) => string) | undefined;
  /** The seq of a message to bring into view and highlight (a search result), if any. */
  focusSeq?: number | null;
}

export function TimelinePane({ model, roomId, title, label, rows, noteText, focusSeq = null }: Props) {
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const timeline = model.timeline(roomId);
  const loadOlder = useCallback(() => void model.loadOlder(roomId), [model, roomId]);
  const editLast = () => {
    const own = [...timeline.messages()].reverse().find((message) => message.author === model.me && !message.deleted);
    if (own !== undefined) setEditing(own);
  };
  const uploads = useUploads(model, roomId);
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;
  const typing = model.typing(roomId);
  const focused = focusSeq === null ? undefined : rows.find((row) => row.kind === "message" && row.message.seq === focusSeq);
  return (
    <div
      class={`timeline-pane${dragging ? " dropping" : ""}`}
      onDragOver={(event) => {
        if (!carriesFiles(event) || editing !== null) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={(event) => {
        setDragging(false);
        if (!carriesFiles(event) || editing !== null) return;
        event.preventDefault();
        uploads.add([...(event.dataTransfer?.files ?? [])]);
      }}
    >
      {timeline.loading && <p class="muted loading">Loading older messages…</p>}
      <VirtualList
        items={rows}
        keyOf={rowKey}
        label={label}
        onNearStart={loadOlder}
        focusKey={focused === undefined ? null : rowKey(focused)}
        render={(row) => (
          <HistoryRow
            model={model}
            roomId={roomId}
            row={row}
            onReply={setReplyTo}
            onEdit={setEditing}
            noteText={noteText}
            highlighted={row === focused}
          />
        )}
      />
      <div class="typing" role="status" aria-live="polite">
        {typing.length > 0 && `${typing.join(", ")} ${typing.length === 1 ? "is" : "are"} typing…`}
      </div>
      <Composer
        model={model}
        roomId={roomId}
        roomTitle={title}
        replyTo={replyTo}
        editing={editing}
        onCancel={() => {
          setReplyTo(null);
          setEditing(null);
        }}
        onEditLast={editLast}
        uploads={uploads}
      />
    </div>
  );
}
