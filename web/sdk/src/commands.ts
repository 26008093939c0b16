/**
 * Room commands other than `post` (which has the persisted outbox): queued until a connection
 * can take them, matched to their answer by request id. After a lost connection the idempotent
 * ones (`delete`, `react`, `unreact`, `mark_read`: a repeat answers `changed: false`) are sent
 * again; an `edit` is not (a repeated edit writes another event) and fails with `unavailable`.
 */

import type { AckFrame, CommandFrame } from "./contract";
import { ChatApiError } from "./errors";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command frame without its request id, which each attempt gets anew. */
export type CommandBody = DistributiveOmit<Exclude<CommandFrame, { type: "post" }>, "id">;

interface Pending {
  body: CommandBody;
  resolve(ack: AckFrame): void;
  reject(error: unknown): void;
}

export class CommandQueue {
  private queued: Pending[] = [];
  private readonly inFlight = new Map<string, Pending>();

  /** Queues a command; the promise settles with its answer. */
  add(body: CommandBody): Promise<AckFrame> {
    return new Promise<AckFrame>((resolve, reject) => {
      this.queued.push({ body, resolve, reject });
    });
  }

  /** The queued commands as frames to send now, each under a new request id. */
  take(requestId: () => string): CommandFrame[] {
    const frames: CommandFrame[] = [];
    for (const pending of this.queued.splice(0)) {
      const id = requestId();
      this.inFlight.set(id, pending);
      frames.push({ ...pending.body, id } as CommandFrame);
    }
    return frames;
  }

  /** Settles the command `id` answers; answers whether it was one of these. */
  answer(id: string, answer: AckFrame | ChatApiError): boolean {
    const pending = this.inFlight.get(id);
    if (pending === undefined) return false;
    this.inFlight.delete(id);
    if (answer instanceof ChatApiError) pending.reject(answer);
    else pending.resolve(answer);
    return true;
  }

  /** The connection is gone before the answers came. */
  connectionLost(): void {
    const resend: Pending[] = [];
    for (const pending of this.inFlight.values()) {
      if (pending.body.type === "edit") {
        pending.reject(
          new ChatApiError({
            status: 0,
            code: "unavailable",
            message: "the connection was lost before the answer: the edit may or may not have been applied",
          }),
        );
      } else {
        resend.push(pending);
      }
    }
    this.inFlight.clear();
    this.queued = [...resend, ...this.queued];
  }

  /** Fails everything (the session is closed). */
  close(error: unknown): void {
    for (const pending of [...this.inFlight.values(), ...this.queued]) pending.reject(error);
    this.inFlight.clear();
    this.queued = [];
  }
}
