/**
 * A message's files (api.md §13.2): images as thumbnails laid out at their own shape (so rows
 * do not jump when they load) that open a lightbox, other files as chips that download. Every
 * URL is a signed one (the SDK asks once and reuses it until shortly before it expires), since
 * `<img src>` and `<a download>` cannot send a token.
 */

import { useEffect, useRef, useState } from "preact/hooks";

import type { Attachment, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { fitted, formatSize } from "../model/uploads";

/** Thumbnails are laid out within this many pixels a side. */
const THUMBNAIL_BOX = 240;

export function Attachments({ model, roomId, attachments }: { model: ChatModel; roomId: RoomId; attachments: readonly Attachment[] }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  return (
    <div class="attachments">
      {attachments.map((attachment) =>
        attachment.thumbnail ? (
          <Thumbnail key={attachment.id} model={model} roomId={roomId} attachment={attachment} onOpen={() => setOpen(attachment)} />
        ) : (
          <FileLink key={attachment.id} model={model} roomId={roomId} attachment={attachment} />
        ),
      )}
      {open !== null && <Lightbox model={model} roomId={roomId} attachment={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** Attempts at a signed URL before giving up until the user points at the file again. */
const SRC_ATTEMPTS = 6;

/**
 * The signed URL of an attachment (or its thumbnail); `null` until known, or if there is none.
 * A post's live event can come before the read model that the server checks the request
 * against has it (`404 attachment_not_found` for a moment), so a refusal is asked again, a
 * little later each time.
 */
function useSrc(model: ChatModel, roomId: RoomId, id: string, thumbnail: boolean): [string | null, () => void] {
  const [src, setSrc] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    model.attachmentSrc(roomId, id, thumbnail).then(
      (url) => {
        if (!live) return;
        setSrc(url);
        setFailures(0);
      },
      () => {
        if (!live || failures + 1 >= SRC_ATTEMPTS) return;
        retry = setTimeout(() => setFailures((count) => count + 1), 200 * 2 ** failures);
      },
    );
    return () => {
      live = false;
      if (retry !== undefined) clearTimeout(retry);
    };
  }, [model, roomId, id, thumbnail, asked, failures]);
  return [
    src,
    () => {
      setFailures(0);
      setAsked((count) => count + 1);
    },
  ];
}

function Thumbnail({ model, roomId, attachment, onOpen }: { model: ChatModel; roomId: RoomId; attachment: Attachment; onOpen: () => void }) {
  const [src] = useSrc(model, roomId, attachment.id, true);
  const size = fitted(attachment.width, attachment.height, THUMBNAIL_BOX);
  const name = attachment.name ?? "image";
  return (
    <button type="button" class="thumbnail" aria-label={`Open ${name}`} onClick={onOpen}>
      {src === null ? <span class="thumbnail-slot" style={{ width: `${size.width}px`, height: `${size.height}px` }} /> : <img src={src} alt={name} width={size.width} height={size.height} />}
    </button>
  );
}

function FileLink({ model, roomId, attachment }: { model: ChatModel; roomId: RoomId; attachment: Attachment }) {
  // A signed URL lives minutes: ask again (the SDK answers from its cache while it is fresh)
  // when the pointer or the focus comes to the link.
  const [src, refresh] = useSrc(model, roomId, attachment.id, false);
  const name = attachment.name ?? "file";
  return (
    <a class="attachment-file" {...(src === null ? {} : { href: src })} download={name} onPointerEnter={refresh} onFocus={refresh}>
      <span class="file-name">{name}</span> <span class="muted">{formatSize(attachment.size)}</span> <span class="muted">{attachment.mime}</span>
    </a>
  );
}

/** The full image in a modal dialog; Esc (the dialog's own), a click or the button close it. */
function Lightbox({ model, roomId, attachment, onClose }: { model: ChatModel; roomId: RoomId; attachment: Attachment; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [src] = useSrc(model, roomId, attachment.id, false);
  const name = attachment.name ?? "image";
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} class="lightbox" aria-label={name} onClose={onClose} onClick={() => dialog.current?.close()}>
      {src !== null && <img src={src} alt={name} width={attachment.width ?? undefined} height={attachment.height ?? undefined} />}
      <button type="button" class="link" onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
