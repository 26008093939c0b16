/**
 * The errors the SDK raises: `ChatApiError` for an answer of the server that carries a stable
 * code (REST error bodies, WebSocket `error` frames), `ChatNetworkError` when no answer came;
 * and how a REST refusal becomes a `ChatApiError` (`errorFromResponse`).
 */

import { ERROR_CODES, type ErrorBody, type ErrorCode } from "./contract";

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

/** A `ChatApiError` from a refusal; the code comes from the body, or the status if none. */
export function errorFromResponse(response: Response, text: string, requestId: string): ChatApiError {
  let code: ErrorCode = codeForStatus(response.status);
  let message = `HTTP ${response.status}`;
  let field: string | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<ErrorBody>;
    const error = parsed.error;
    if (error !== undefined) {
      if (isErrorCode(error.code)) code = error.code;
      if (typeof error.message === "string") message = error.message;
      if (typeof error.field === "string") field = error.field;
    }
  } catch {
    // Not JSON (a proxy's page): keep the status's code.
  }
  const retryAfter = response.headers.get("retry-after");
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  return new ChatApiError({
    status: response.status,
    code,
    message,
    field,
    requestId,
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : null,
  });
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "invalid_request";
    case 401:
      return "unauthorized";
    case 403:
      return "not_allowed";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 429:
      return "rate_limited";
    case 500:
      return "internal";
    case 503:
      return "busy";
    case 504:
      return "timeout";
    default:
      return status >= 500 ? "unavailable" : "invalid_request";
  }
}
