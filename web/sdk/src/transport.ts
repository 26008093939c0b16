/**
 * One JSON request over `fetch`, as both REST clients make it (`ChatApi` for members,
 * `VisitorApi` for the widget's visitors): a request id, the bearer token if any, the body as
 * JSON; no answer is a `ChatNetworkError`, an error status the server's `ChatApiError`.
 */

import { ChatNetworkError, errorFromResponse } from "./errors";
import { newId } from "./ids";

/** `fetch`, or a stand-in with its signature (tests, other runtimes). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Exchange {
  method: string;
  /** For messages: the route's path, without the origin or the query. */
  path: string;
  url: string;
  body?: unknown;
  token?: string;
}

/** The answer's status and body (`undefined` for an empty one). */
export async function exchange<T>(fetchImpl: FetchLike, request: Exchange): Promise<{ status: number; body: T }> {
  const requestId = newId();
  const headers: Record<string, string> = { "x-request-id": requestId };
  if (request.token !== undefined) headers["authorization"] = `Bearer ${request.token}`;
  const init: RequestInit = { method: request.method, headers };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(request.body);
  }
  let response: Response;
  try {
    response = await fetchImpl(request.url, init);
  } catch (cause) {
    throw new ChatNetworkError(`${request.method} ${request.path}: no answer`, requestId, { cause });
  }
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response, text, response.headers.get("x-request-id") ?? requestId);
  return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
}
