/**
 * Uploading files (api.md §13): the bytes go up as the body of `POST /v1/uploads`, with upload
 * progress and cancellation, and come back as an upload whose id a post lists in
 * `attachments`.
 *
 * Progress needs `XMLHttpRequest` (a browser's `fetch` reports none for request bodies), so
 * browsers upload with it; elsewhere (Node, workers without it) `fetch` sends the file and
 * progress is reported at the start and the end only. Either way the file is a `Blob` (a
 * `File` from an `<input type=file>` or a drop), which the browser streams from disk: a large
 * file is never read into memory by the SDK.
 */

import type { Attachment, MessageKind, UploadLimits } from "./contract";
import { ChatApiError, ChatNetworkError, errorFromResponse } from "./errors";
import { newId } from "./ids";
import type { FetchLike } from "./transport";

/** How far an upload has got. */
export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** The file's size. */
  total: number;
}

export interface UploadOptions {
  /** Called as bytes go up (often, in a browser; at the start and the end elsewhere). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting cancels the upload; the promise rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
  /** The file name sent (default: the `File`'s name, else `file`). */
  name?: string;
  /** The declared type (default: the `Blob`'s type, else `application/octet-stream`). */
  type?: string;
}

/** One upload request, as a transport sends it. */
export interface UploadRequest {
  url: string;
  token: string;
  requestId: string;
  file: Blob;
  contentType: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** Sends an upload and answers the server's response; throws a `ChatNetworkError` without one. */
export type UploadTransport = (request: UploadRequest) => Promise<Response>;

/** The smallest part of `XMLHttpRequest` an upload uses (so that tests can fake it). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  getResponseHeader(name: string): string | null;
  readonly status: number;
  readonly responseText: string;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

/** An upload over `XMLHttpRequest` (`create` makes one), with progress. */
export function xhrTransport(create: () => XhrLike): UploadTransport {
  return (request) =>
    new Promise<Response>((resolve, reject) => {
      const signal = request.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const xhr = create();
      const onAbort = (): void => xhr.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = (): void => signal?.removeEventListener("abort", onAbort);
      xhr.open("POST", request.url);
      xhr.setRequestHeader("authorization", `Bearer ${request.token}`);
      xhr.setRequestHeader("content-type", request.contentType);
      xhr.setRequestHeader("x-request-id", request.requestId);
      const total = request.file.size;
      xhr.upload.onprogress = (event) => request.onProgress?.({ loaded: event.loaded, total });
      xhr.onload = () => {
        done();
        const headers: Record<string, string> = {};
        for (const name of ["retry-after", "x-request-id", "content-type"]) {
          const value = xhr.getResponseHeader(name);
          if (value !== null) headers[name] = value;
        }
        resolve(new Response(xhr.responseText === "" ? null : xhr.responseText, { status: xhr.status, headers }));
      };
      xhr.onerror = () => {
        done();
        reject(new ChatNetworkError("POST /v1/uploads: no answer", request.requestId));
      };
      xhr.onabort = () => {
        done();
        reject(signal?.reason ?? new DOMException("the upload was cancelled", "AbortError"));
      };
      request.onProgress?.({ loaded: 0, total });
      xhr.send(request.file);
    });
}

/** An upload over `fetch`: progress at the start and the end only. */
export function fetchTransport(fetchImpl: FetchLike): UploadTransport {
  return async (request) => {
    const total = request.file.size;
    request.onProgress?.({ loaded: 0, total });
    const init: RequestInit = {
      method: "POST",
      headers: {
        authorization: `Bearer ${request.token}`,
        "content-type": request.contentType,
        "x-request-id": request.requestId,
      },
      body: request.file,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    };
    let response: Response;
    try {
      response = await fetchImpl(request.url, init);
    } catch (cause) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw new ChatNetworkError("POST /v1/uploads: no answer", request.requestId, { cause });
    }
    if (response.ok) request.onProgress?.({ loaded: total, total });
    return response;
  };
}

/** `XMLHttpRequest` where there is one (browsers), else `fetch`. */
export function defaultTransport(fetchImpl: FetchLike): UploadTransport {
  const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
  return Xhr === undefined ? fetchTransport(fetchImpl) : xhrTransport(() => new Xhr());
}

/** The request for `file`, by `options`; `baseUrl` without a trailing slash. */
export function uploadRequest(baseUrl: string, token: string, file: Blob, options: UploadOptions): UploadRequest {
  const fileName = (file as Blob & { name?: unknown }).name;
  const name = options.name ?? (typeof fileName === "string" && fileName !== "" ? fileName : "file");
  const contentType = options.type ?? (file.type === "" ? "application/octet-stream" : file.type);
  return {
    url: `${baseUrl}/v1/uploads?${new URLSearchParams({ name }).toString()}`,
    token,
    requestId: newId(),
    file,
    contentType,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** The answer's body, or the server's refusal as a `ChatApiError`. */
export async function readUploadAnswer<T>(response: Response, requestId: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response, text, response.headers.get("x-request-id") ?? requestId);
  return JSON.parse(text) as T;
}

/**
 * The kind of a post with these attachments: the server's rule (`MessageKind::of_post`), for
 * live `MessagePosted` events, which carry the attachments but not the kind the history shows.
 */
export function messageKind(attachments: readonly Pick<Attachment, "mime">[]): MessageKind {
  if (attachments.length === 0) return "text";
  return attachments.every((attachment) => attachment.mime.startsWith("image/")) ? "image" : "file";
}

/**
 * The refusal the server would answer a file of `size` bytes with (`413 payload_too_large`),
 * or `null` if the file is within `limits`. Checked before sending: a server refusing an upload
 * by its length answers before reading the body, and a browser still sending it may then see
 * the connection reset instead of the answer (and say nothing about why).
 */
export function oversize(size: number, limits: UploadLimits | null): ChatApiError | null {
  if (limits === null || size <= limits.max_file_bytes) return null;
  const max = limits.max_file_bytes;
  return new ChatApiError({ status: 413, code: "payload_too_large", message: `the file is larger than ${max} bytes (${formatSize(max)})` });
}

/** A size as people read it: `512 B`, `1.5 KB`, `12 MB` (powers of 1024). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[unit]}`;
}
