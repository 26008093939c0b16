/**
 * What is open lives in the URL's hash, so a reload, the back button and a shared link all land
 * on the same place: a room (`#/rooms/<id>`), a message of a room shown in place and highlighted
 * (`#/rooms/<id>/at/<seq>`, where a search result leads), or the Support area: the user's websites
 * (`#/support`), one of them at one section (`#/support/<id>/<section>`), or a conversation
 * open in its inbox (`#/support/<id>/inbox/<room id>`), or an invite link's page
 * (`#/invite/<code>`).
 */

import { useEffect, useState } from "preact/hooks";

import type { RoomId, WebsiteId } from "../../../sdk/src/index";

/** The sections of a website's page; the first is where a website opens. */
export const WEBSITE_SECTIONS = ["install", "domains", "widget", "team", "inbox"] as const;
export type WebsiteSection = (typeof WEBSITE_SECTIONS)[number];

export type Route =
  | { view: "rooms"; roomId: RoomId | null; focusSeq?: number }
  | { view: "support"; websiteId: WebsiteId | null; section: WebsiteSection; conversationId: RoomId | null }
  | { view: "invite"; code: string };

export function routeFromHash(hash: string): Route {
  const invite = /^#\/invite\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (invite?.[1] !== undefined) return { view: "invite", code: invite[1] };
  const room = /^#\/rooms\/([^/?#]+)$/.exec(hash);
  if (room?.[1] !== undefined) return { view: "rooms", roomId: decodeURIComponent(room[1]) };
  const message = /^#\/rooms\/([^/?#]+)\/at\/(\d{1,15})$/.exec(hash);
  if (message?.[1] !== undefined && message[2] !== undefined) {
    return { view: "rooms", roomId: decodeURIComponent(message[1]), focusSeq: Number(message[2]) };
  }
  const support = /^#\/support(?:\/([^/?#]+)(?:\/([^/?#]+)(?:\/([^/?#]+))?)?)?\/?$/.exec(hash);
  if (support !== null) {
    const section = WEBSITE_SECTIONS.find((known) => known === support[2]) ?? "install";
    const websiteId = support[1] === undefined ? null : decodeURIComponent(support[1]);
    const conversationId = section === "inbox" && support[3] !== undefined ? decodeURIComponent(support[3]) : null;
    return { view: "support", websiteId, section, conversationId };
  }
  return { view: "rooms", roomId: null };
}

export function roomFromHash(hash: string): RoomId | null {
  const route = routeFromHash(hash);
  return route.view === "rooms" ? route.roomId : null;
}

export function roomHref(roomId: RoomId): string {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}

/** The message at `seq` of the room, shown in place and highlighted. */
export function messageHref(roomId: RoomId, seq: number): string {
  return `${roomHref(roomId)}/at/${seq}`;
}

/** An invite link's page, where its room is shown and joined. */
export function inviteHref(code: string): string {
  return `#/invite/${code}`;
}

export const SUPPORT_HREF = "#/support";

export function websiteHref(websiteId: WebsiteId, section: WebsiteSection = "install"): string {
  return `${SUPPORT_HREF}/${encodeURIComponent(websiteId)}/${section}`;
}

/** A support conversation open in its website's inbox. */
export function conversationHref(websiteId: WebsiteId, roomId: RoomId): string {
  return `${websiteHref(websiteId, "inbox")}/${encodeURIComponent(roomId)}`;
}

export function openRoom(roomId: RoomId | null): void {
  location.hash = roomId === null ? "#/" : roomHref(roomId);
}

export function navigate(href: string): void {
  location.hash = href;
}

/** What the URL opens, following navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeFromHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(routeFromHash(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
