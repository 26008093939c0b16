/**
 * The errors the SDK raises: `ChatApiError` for an answer of the server that carries a stable
 * code (REST error bodies, WebSocket `error` frames), `ChatNetworkError` when no answer came.
 */

import { ERROR_CODES, type ErrorCode } from "./contract";

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && KNOWN_CODES.has(value);
}

/** What the server refused, with its stable `code` (api.md §7, protocol.md §10). */
export class ChatApiError extends Error {
  override readonly name = "ChatApiError";
  /** HTTP status; `0` for an error that came over the WebSocket. */
  readonly status: number;
  readonly code: ErrorCode;
  /** With `invalid_input`: the field at fault. */
  readonly field: string | null;
  /** The request id (`x-request-id`, or the WebSocket frame id), to quote in bug reports. */
  readonly requestId: string | null;
  /** With `rate_limited` and `busy`: how long to wait before retrying. */
  readonly retryAfterMs: number | null;

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    field?: string | null;
    requestId?: string | null;
    retryAfterMs?: number | null;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.field = init.field ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** Whether retrying the same request (idempotently) may succeed (api.md §1, protocol.md §10). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  /** Whether the credentials are gone for good: log in again (or stop, if that fails). */
  get authLost(): boolean {
    return AUTH_LOST.has(this.code);
  }
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["busy", "timeout", "unavailable", "rate_limited"]);

const AUTH_LOST: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "account_erased",
  "invalid_refresh_token",
  "refresh_token_reused",
  "invalid_credentials",
]);

/** The request never got an answer (DNS, refused connection, reset, aborted). */
export class ChatNetworkError extends Error {
  override readonly name = "ChatNetworkError";
  readonly requestId: string;

  constructor(message: string, requestId: string, options?: { cause: unknown }) {
    super(message, options);
    this.requestId = requestId;
  }
}
