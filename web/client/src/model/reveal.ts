/**
 * Showing a message in place (a search result clicked): the room's history is loaded page after
 * page, older and older, until it holds the message's seq or reaches the start of the room.
 */

import type { RoomId } from "../../../sdk/src/index";
import type { Timeline } from "./timeline";

/** What revealing needs of the model (`ChatModel`). */
export interface RevealModel {
  timeline(roomId: RoomId): Pick<Timeline, "messages" | "loaded" | "loading" | "hasOlder">;
  loadOlder(roomId: RoomId): Promise<void>;
  subscribe(listener: () => void): () => void;
}

/** Pages loaded at most (50 messages each): a bound, not a limit a person meets. */
const MAX_PAGES = 400;

/**
 * Loads `roomId`'s history until it reaches back to `seq`; answers whether it did (`false`
 * when the room's start came first, or the history would not load).
 */
export async function revealSeq(model: RevealModel, roomId: RoomId, seq: number): Promise<boolean> {
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const timeline = model.timeline(roomId);
    const oldest = timeline.messages()[0];
    if (timeline.loaded && oldest !== undefined && oldest.seq <= seq) return true;
    if (timeline.loaded && !timeline.hasOlder) return false;
    if (timeline.loading) {
      // A page is on its way (the room has just been opened): wait for it.
      await nextChange(model);
      pages -= 1;
      continue;
    }
    await model.loadOlder(roomId);
    const after = model.timeline(roomId);
    // No older message came, and more is said to be there: the page failed (the model shows why).
    if (after.messages()[0]?.seq === oldest?.seq && after.loaded === timeline.loaded && after.hasOlder) return false;
  }
  return false;
}

function nextChange(model: RevealModel): Promise<void> {
  return new Promise((resolve) => {
    const stop = model.subscribe(() => {
      stop();
      resolve();
    });
  });
}
