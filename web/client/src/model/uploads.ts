/**
 * The files a message being written carries (api.md §13): each one goes up as soon as it is
 * chosen, dropped or pasted, and shows as a chip with its progress, its refusal or its upload
 * id. Send waits for every upload to end, then posts the finished ones' ids. Pure data, no I/O:
 * the composer starts and cancels the uploads and feeds their progress in here.
 */

import type { UploadId } from "../../../sdk/src/index";

export { formatSize } from "../../../sdk/src/index";

/** At most this many files a message (the server's limit on `attachments`). */
export const MAX_FILES = 10;

export interface PendingFile {
  /** Unique in the composer (not the upload id, which comes at the end). */
  key: number;
  name: string;
  size: number;
  /** Bytes sent so far. */
  loaded: number;
  state: "uploading" | "done" | "failed";
  /** Once `done`. */
  uploadId: UploadId | null;
  /** Once `failed`: why (the server's message, e.g. the file is too large). */
  error: string | null;
}

/** `files` with `file` added: uploading, or refused at once past `MAX_FILES`. */
export function added(files: readonly PendingFile[], key: number, file: { name: string; size: number }): PendingFile[] {
  const full = files.length >= MAX_FILES;
  return [
    ...files,
    {
      key,
      name: file.name === "" ? "file" : file.name,
      size: file.size,
      loaded: 0,
      state: full ? "failed" : "uploading",
      uploadId: null,
      error: full ? `At most ${MAX_FILES} files a message.` : null,
    },
  ];
}

export function progressed(files: readonly PendingFile[], key: number, loaded: number): PendingFile[] {
  return change(files, key, (file) => (file.state === "uploading" ? { ...file, loaded: Math.min(loaded, file.size) } : file));
}

export function finished(files: readonly PendingFile[], key: number, uploadId: UploadId): PendingFile[] {
  return change(files, key, (file) => ({ ...file, state: "done", loaded: file.size, uploadId, error: null }));
}

export function failed(files: readonly PendingFile[], key: number, error: string): PendingFile[] {
  return change(files, key, (file) => ({ ...file, state: "failed", uploadId: null, error }));
}

export function removed(files: readonly PendingFile[], key: number): PendingFile[] {
  return files.filter((file) => file.key !== key);
}

/** The ids to post: the finished uploads', in the order they were chosen. */
export function uploadIds(files: readonly PendingFile[]): UploadId[] {
  return files.flatMap((file) => (file.state === "done" && file.uploadId !== null ? [file.uploadId] : []));
}

/** Whether a send can go now: no upload still running, and text or a finished file to post. */
export function canSend(text: string, files: readonly PendingFile[]): boolean {
  if (files.some((file) => file.state === "uploading")) return false;
  return text.trim() !== "" || uploadIds(files).length > 0;
}

/** Percent sent, 0–100 (an empty file counts as sent). */
export function percent(file: PendingFile): number {
  if (file.size === 0) return file.state === "uploading" ? 0 : 100;
  return Math.round((file.loaded / file.size) * 100);
}

/** Width and height to lay an image out at, within `box` pixels a side, keeping its shape. */
export function fitted(width: number | null, height: number | null, box: number): { width: number; height: number } {
  if (width === null || height === null || width <= 0 || height <= 0) return { width: box, height: box };
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function change(files: readonly PendingFile[], key: number, update: (file: PendingFile) => PendingFile): PendingFile[] {
  return files.map((file) => (file.key === key ? update(file) : file));
}
