/**
 * The hand-written wire contract (`sdk/src/contract.ts`)
 * checked against the server's OpenAPI document. `docs/openapi.json`, which a Rust test keeps
 * equal to what the code generates, is turned into types (`npm run generate` →
 * `sdk/generated/openapi.ts`, not committed), and every type of the contract must convert both
 * ways to and from its schema. A field added, removed, renamed, made nullable or optional on
 * either side fails `tsc`, so the SDK cannot drift from the server.
 *
 * Why not use the generated types directly: they are one deep `components["schemas"]` tree
 * whose doc comments are the server's, and the contract names things as the SDK's users see
 * them (`MessageView`, `CommandResult`); this file is the bridge, and costs nothing at run time
 * (it is only type-checked).
 */

import type { components } from "../../generated/openapi";
import type * as C from "../../src/contract";

type S = components["schemas"];

/** Compiles only if `A` and `B` are assignable to each other. */
function same<A, B>(toSpec: (value: A) => B, fromSpec: (value: B) => A): void {
  void toSpec;
  void fromSpec;
}
const both = <T>(value: T): T => value;

/** Compiles only if every `A` the SDK sends is a valid `B`: for requests the SDK narrows. */
function sent<A, B>(toSpec: (value: A) => B): void {
  void toSpec;
}

// Shared values.
same<C.ErrorCode, S["ErrorCode"]>(both, both);
same<C.ErrorBody, S["ErrorBody"]>(both, both);
same<C.Visibility, S["Visibility"]>(both, both);
same<C.Role, S["Role"]>(both, both);
same<C.PresenceStatus, S["PresenceStatus"]>(both, both);

// REST: accounts.
same<C.RegisterRequest, S["RegisterRequest"]>(both, both);
same<C.LoginRequest, S["LoginRequest"]>(both, both);
same<C.SessionResponse, S["Session"]>(both, both);
same<C.RefreshRequest, S["RefreshRequest"]>(both, both);
same<C.RefreshResponse, S["Refreshed"]>(both, both);
same<C.UserView, S["User"]>(both, both);
same<C.UserIdentity, S["UserIdentity"]>(both, both);
same<{ users: C.UserIdentity[] }, S["FoundUsers"]>(both, both);
same<C.UpdateProfileRequest, S["UpdateProfileRequest"]>(both, both);

// REST: what a browser app reads before it connects.
same<C.ClientConfig, S["ClientConfig"]>(both, both);
same<C.UploadLimits, S["UploadLimits"]>(both, both);

// REST: rooms and messages.
same<C.CreateRoomRequest, S["CreateRoomRequest"]>(both, both);
same<C.CreateRoomResponse, S["CreatedRoom"]>(both, both);
same<C.CommandResult, S["CommandReply"]>(both, both);
same<C.LastMessage, S["LastMessage"]>(both, both);
same<C.RoomSummary, S["RoomSummary"]>(both, both);
same<C.RoomPage, S["RoomPage"]>(both, both);
same<{ rooms: C.DirectoryRoom[] }, S["Directory"]>(both, both);
same<C.MemberView, S["RoomMember"]>(both, both);
same<C.RoomDetail, S["Room"]>(both, both);
// The server takes any role and refuses `owner` (ownership does not move); the SDK offers only
// what can succeed.
sent<C.ChangeRoleRequest, S["ChangeRoleRequest"]>(both);
same<C.MarkReadRequest, S["MarkReadRequest"]>(both, both);
same<C.Receipt, S["ReadReceipt"]>(both, both);
same<C.ReceiptsResponse, S["Receipts"]>(both, both);
same<C.PostMessageRequest, S["PostMessageRequest"]>(both, both);
same<C.CreateInviteRequest, S["CreateInviteRequest"]>(both, both);
same<C.CreatedInvite, S["CreatedInvite"]>(both, both);
same<C.InviteSummary, S["InviteSummary"]>(both, both);
same<C.InviteList, S["InviteList"]>(both, both);
same<C.InvitePreview, S["InvitePreview"]>(both, both);
same<C.AcceptedInvite, S["AcceptedInvite"]>(both, both);
same<C.BanRequest, S["BanRequest"]>(both, both);
same<C.Ban, S["Ban"]>(both, both);
same<C.BanList, S["BanList"]>(both, both);
same<C.RoomSettingsRequest, S["RoomSettingsRequest"]>(both, both);

// REST: contacts and blocks.
same<C.Relation, S["Relation"]>(both, both);
same<C.ContactEntry, S["ContactEntry"]>(both, both);
same<C.ContactList, S["ContactList"]>(both, both);
same<C.Standing, S["Standing"]>(both, both);
same<C.ContactRequest, S["ContactRequest"]>(both, both);
same<C.BlockedUser, S["BlockedUser"]>(both, both);
same<C.BlockList, S["BlockList"]>(both, both);
same<C.PostMessageResponse, S["PostedMessage"]>(both, both);
same<C.EditMessageRequest, S["EditMessageRequest"]>(both, both);
same<C.ReactionView, S["MessageReaction"]>(both, both);
same<C.MessageView, S["Message"]>(both, both);
same<C.MessageKind, S["MessageKind"]>(both, both);
same<C.Attachment, S["Attachment"]>(both, both);
same<C.UploadView, S["Upload"]>(both, both);
same<C.AttachmentLinks, S["AttachmentLinks"]>(both, both);
same<C.HistoryPage, S["MessagePage"]>(both, both);

// REST: search.
same<C.SearchableKind, S["SearchableKind"]>(both, both);
same<C.SearchHit, S["SearchHit"]>(both, both);
same<C.SearchResults, S["SearchResults"]>(both, both);
same<C.DirectoryResults, S["DirectoryResults"]>(both, both);

// REST: support-chat websites.
same<C.AgentRole, S["AgentRole"]>(both, both);
same<C.WebsiteNameRequest, S["WebsiteNameRequest"]>(both, both);
same<C.CreatedWebsite, S["CreatedWebsite"]>(both, both);
same<C.WebsiteReply, S["WebsiteReply"]>(both, both);
same<C.WebsiteSummary, S["WebsiteSummary"]>(both, both);
same<C.WebsiteList, S["WebsiteList"]>(both, both);
same<C.ColorPreset, S["ColorPreset"]>(both, both);
same<C.WidgetSize, S["WidgetSize"]>(both, both);
same<C.WidgetLanguage, S["WidgetLanguage"]>(both, both);
same<C.WidgetPosition, S["WidgetPosition"]>(both, both);
same<C.DayHours, S["DayHours"]>(both, both);
same<C.DayHours, S["DayHoursRequest"]>(both, both);
same<C.BusinessHours, S["BusinessHours"]>(both, both);
same<C.BusinessHours, S["BusinessHoursRequest"]>(both, both);
same<C.WidgetSettings, S["WidgetSettings"]>(both, both);
// The server reads a missing `greeting` or `business_hours` as `null`; the SDK always sends the
// whole set, as api.md §11.2 asks.
sent<C.WidgetSettings, S["WidgetRequest"]>(both);
same<C.DomainStatus, S["DomainStatus"]>(both, both);
same<C.VerificationMethod, S["VerificationMethod"]>(both, both);
same<C.VerificationFailure, S["VerificationFailure"]>(both, both);
same<C.DomainView, S["DomainView"]>(both, both);
same<C.AgentView, S["AgentView"]>(both, both);
same<C.IdentitySecret, S["IdentitySecret"]>(both, both);
same<C.WebsiteDetail, S["WebsiteDetail"]>(both, both);
same<C.DomainRequest, S["DomainRequest"]>(both, both);
same<C.AddedDomain, S["AddedDomain"]>(both, both);
same<C.DomainCheck, S["DomainCheck"]>(both, both);
same<C.AgentRequest, S["AgentRequest"]>(both, both);
same<C.AddedAgent, S["AddedAgent"]>(both, both);

// REST: support conversations (the agents' inbox and commands).
same<C.ConversationStatus, S["ConversationStatus"]>(both, both);
same<C.InboxConversation, S["InboxConversation"]>(both, both);
same<C.InboxList, S["Inbox"]>(both, both);
same<C.AssignRequest, S["AssignRequest"]>(both, both);

// Room events.
same<C.RoomKind, S["RoomKind"]>(both, both);
same<C.RoomCreated, S["RoomCreated"]>(both, both);
same<C.MemberJoined, S["MemberJoined"]>(both, both);
same<C.MemberLeft, S["MemberLeft"]>(both, both);
same<C.MemberRoleChanged, S["MemberRoleChanged"]>(both, both);
same<C.MessagePosted, S["MessagePosted"]>(both, both);
same<C.MessageEdited, S["MessageEdited"]>(both, both);
same<C.MessageDeleted, S["MessageDeleted"]>(both, both);
same<C.ReactionAdded, S["ReactionAdded"]>(both, both);
same<C.ReactionRemoved, S["ReactionRemoved"]>(both, both);
same<C.ReadMarkerMoved, S["ReadMarkerMoved"]>(both, both);
same<C.VisitorContextRecorded, S["VisitorContextRecorded"]>(both, both);
same<C.ConversationAssigned, S["ConversationAssigned"]>(both, both);
same<C.ConversationResolved, S["ConversationResolved"]>(both, both);
same<C.ConversationReopened, S["ConversationReopened"]>(both, both);
same<C.InviteCreated, S["InviteCreated"]>(both, both);
same<C.InviteRevoked, S["InviteRevoked"]>(both, both);
same<C.InviteAccepted, S["InviteAccepted"]>(both, both);
same<C.MemberBanned, S["MemberBanned"]>(both, both);
same<C.MemberUnbanned, S["MemberUnbanned"]>(both, both);
same<C.RoomTopicChanged, S["RoomTopicChanged"]>(both, both);
same<C.RoomDescriptionChanged, S["RoomDescriptionChanged"]>(both, both);
same<C.RoomDeleted, S["RoomDeleted"]>(both, both);
same<C.RoomEvent, S["RoomEvent"]>(both, both);

// WebSocket: client frames.
same<C.IdentifyFrame, S["ClientIdentify"]>(both, both);
same<C.PingFrame, S["ClientPing"]>(both, both);
same<C.TypingClientFrame, S["ClientTyping"]>(both, both);
same<C.PresenceClientFrame, S["ClientPresence"]>(both, both);
same<C.ReceivedClientFrame, S["ClientReceived"]>(both, both);
same<C.PostCommandFrame, S["ClientPost"]>(both, both);
same<C.EditCommandFrame, S["ClientEdit"]>(both, both);
same<C.DeleteCommandFrame, S["ClientDelete"]>(both, both);
same<C.ReactCommandFrame, S["ClientReact"]>(both, both);
same<C.UnreactCommandFrame, S["ClientUnreact"]>(both, both);
same<C.MarkReadCommandFrame, S["ClientMarkRead"]>(both, both);
same<C.ClientFrame, S["ClientFrame"]>(both, both);

// WebSocket: server frames.
same<C.HelloFrame, S["ServerHello"]>(both, both);
same<C.ReadyFrame, S["ServerReady"]>(both, both);
same<C.EventFrame, S["ServerEvent"]>(both, both);
same<C.ResumedFrame, S["ServerResumed"]>(both, both);
same<C.AckFrame, S["ServerAck"]>(both, both);
same<C.ErrorFrame, S["ServerError"]>(both, both);
same<C.TypingServerFrame, S["ServerTyping"]>(both, both);
same<C.PongFrame, S["ServerPong"]>(both, both);
same<C.ReceiptServerFrame, S["ServerReceipt"]>(both, both);
same<C.PresenceEntry, S["PresenceEntry"]>(both, both);
same<C.PresenceServerFrame, S["ServerPresence"]>(both, both);
same<C.ReconnectFrame, S["ServerReconnect"]>(both, both);
same<C.ContactsEvent, S["ContactsEvent"]>(both, both);
same<C.ContactsServerFrame, S["ServerContacts"]>(both, both);
same<C.ServerFrame, S["ServerFrame"]>(both, both);
