/**
 * The files of the message being written in one room: each goes up as soon as it is added
 * (picked, pasted or dropped), with its progress, its refusal and a cancel that aborts the
 * request. Lives in the room's pane, not the composer, so that a drop anywhere on the room
 * reaches it. Changing rooms cancels what is still going up.
 */

import { useEffect, useRef, useState } from "preact/hooks";

import { ChatApiError, type RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { type PendingFile, added, failed, finished, progressed, removed } from "../model/uploads";

export interface Uploads {
  files: readonly PendingFile[];
  add: (files: readonly File[]) => void;
  /** Cancels the file's upload if it is still going, and drops its chip. */
  remove: (key: number) => void;
  /** Forgets every chip (after a send); cancels uploads still going. */
  clear: () => void;
}

export function useUploads(model: ChatModel, roomId: RoomId): Uploads {
  const [files, setFiles] = useState<readonly PendingFile[]>([]);
  const running = useRef(new Map<number, AbortController>());
  const nextKey = useRef(1);
  // The list as of the last render or `add`, to decide which added files go up.
  const latest = useRef(files);
  latest.current = files;

  const cancelAll = () => {
    for (const controller of running.current.values()) controller.abort();
    running.current.clear();
  };
  useEffect(() => {
    setFiles([]);
    return cancelAll;
  }, [roomId]);

  const start = (key: number, file: File) => {
    const controller = new AbortController();
    running.current.set(key, controller);
    model
      .upload(file, { signal: controller.signal, onProgress: ({ loaded }) => setFiles((now) => progressed(now, key, loaded)) })
      .then((upload) => setFiles((now) => finished(now, key, upload.upload_id)))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setFiles((now) => failed(now, key, reason(error)));
      })
      .finally(() => running.current.delete(key));
  };

  const add = (chosen: readonly File[]) => {
    const keyed = chosen.map((file) => ({ key: nextKey.current++, file }));
    const withAdded = (list: readonly PendingFile[]) => keyed.reduce((next, { key, file }) => added(next, key, file), list);
    // Progress may be waiting to render: the list goes in by an update, the uploads start by
    // what the list will hold (the same rule, `added`, refuses files past the limit).
    latest.current = withAdded(latest.current);
    for (const { key, file } of keyed) {
      if (latest.current.find((pending) => pending.key === key)?.state === "uploading") start(key, file);
    }
    setFiles(withAdded);
  };

  const remove = (key: number) => {
    running.current.get(key)?.abort();
    running.current.delete(key);
    setFiles((now) => removed(now, key));
  };

  const clear = () => {
    cancelAll();
    setFiles([]);
  };

  return { files, add, remove, clear };
}

/** What a failed upload's chip says: the server's reason, else that the network failed. */
function reason(error: unknown): string {
  if (error instanceof ChatApiError) return error.message;
  return "The upload failed: no answer from the server.";
}
