/**
 * The chat client SDK: a REST client (`ChatApi`), a real-time session (`ChatSession`), the
 * stores they persist to, and the wire contract (`contract.ts`).
 */

export * from "./contract";
export { ChatApiError, ChatNetworkError, isErrorCode } from "./errors";
export {
  ChatApi,
  type ChatApiOptions,
  type Credentials,
  type FetchLike,
  type PageOptions,
  type PostOptions,
  type SearchOptions,
  parseCredentials,
} from "./rest";
export { snippetParts, type SnippetPart } from "./snippet";
export { ChatSession, type SessionApi, type SessionOptions } from "./session";
export {
  VisitorApi,
  visitorCredentials,
  type CreateVisitorRequest,
  type StartConversationRequest,
  type StartedConversation,
  type TokenSource,
  type VisitorApiOptions,
  type VisitorConversation,
  type VisitorConversations,
  type VisitorSession,
  type WidgetView,
} from "./visitor";
export type { Closed, Disconnected, SessionEvents, SessionState, StateChange } from "./events";
export { parseServerFrame } from "./frames";
export type { HistoryFill } from "./gapfill";
export type { PostReceipt, PostInput } from "./outbox";
export type { GapFill } from "./delivery";
export { ACK_INTERVAL_MS } from "./acks";
export { messageStatus, type DeliveryStatus, type MemberMarkers, type MessageStatus, type StatusQuery } from "./status";
export { RoomMarkers, joinedMarkers, type JoinedMember } from "./markers";
export {
  MemoryOutboxStore,
  MemoryPositionStore,
  WebStorageOutboxStore,
  WebStoragePositionStore,
  webStorageStores,
  type OutboxStore,
  type PendingPost,
  type PositionStore,
  type WebStorageLike,
} from "./stores";
export { Backoff, type BackoffOptions } from "./backoff";
export {
  fetchTransport,
  formatSize,
  messageKind,
  oversize,
  xhrTransport,
  type UploadOptions,
  type UploadProgress,
  type UploadRequest,
  type UploadTransport,
  type XhrLike,
} from "./uploads";
export { planForClose, ClientCloseCode, type ClosePlan } from "./close";
export type { WebSocketFactory, WebSocketLike } from "./socket";
