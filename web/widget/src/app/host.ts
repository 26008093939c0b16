/**
 * The widget's side of the conversation with the loader on the website's page (`messages.ts`).
 * It listens only to its parent window, learns the parent's origin from the parent's first
 * valid message (which must match `location.ancestorOrigins` where the browser has it), and
 * from then on posts only to that origin. Before that, it posts nothing but `ready`, which
 * carries nothing, and queues the rest.
 */

import { CHANNEL, type FrameMessage, type HostMessage, parseHostMessage } from "../messages";

type Outgoing = FrameMessage extends infer M ? (M extends FrameMessage ? Omit<M, "channel"> : never) : never;

export class HostBridge {
  private origin: string | null = null;
  private readonly queued: FrameMessage[] = [];
  private readonly parent: Window | null;

  constructor(onMessage: (message: HostMessage) => void) {
    this.parent = window.parent === window ? null : window.parent;
    if (this.parent === null) return;
    const expected = window.location.ancestorOrigins?.[0] ?? null;
    window.addEventListener("message", (event) => {
      if (this.parent === null || event.source !== this.parent) return;
      if (this.origin === null ? expected !== null && event.origin !== expected : event.origin !== this.origin) return;
      const message = parseHostMessage(event.data);
      if (message === null) return;
      if (this.origin === null) {
        this.origin = event.origin;
        for (const queued of this.queued.splice(0)) this.parent.postMessage(queued, this.origin);
      }
      onMessage(message);
    });
  }

  /** Whether the widget runs in a frame (else it is its own page: nothing to tell anyone). */
  get framed(): boolean {
    return this.parent !== null;
  }

  send(message: Outgoing): void {
    if (this.parent === null) return;
    const full = { channel: CHANNEL, ...message } as FrameMessage;
    if (full.type === "ready") this.parent.postMessage(full, "*");
    else if (this.origin !== null) this.parent.postMessage(full, this.origin);
    else this.queued.push(full);
  }
}
