/**
 * A gateway killed (SIGKILL, as in a crash) in the middle of a burst of posts: the sender's
 * outbox resends what was not acknowledged, with the same `client_msg_id`s, through the other
 * gateway; the server recognises the retries it already applied. The sender's posts are all
 * delivered exactly once, and the receiver sees every message once and in order: 0 lost, 0
 * duplicated, asserted on the full sequence.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PostReceipt } from "../../src/outbox";
import { MemoryOutboxStore, MemoryPositionStore } from "../../src/stores";
import { Stack, eventually } from "./harness";
import { WireTap, recordedSession } from "./recorder";

const BURST = 300;

let stack: Stack | undefined;

beforeAll(async () => {
  stack = await Stack.start({ gateways: 2 });
});

afterAll(async () => {
  await stack?.stop();
});

describe("a gateway killed mid-burst", () => {
  it("loses nothing and duplicates nothing", async () => {
    if (stack === undefined) throw new Error("the stack did not start");
    const [gw1, gw2] = stack.gatewayUrls;
    const doomed = stack.gateways[0];
    if (gw1 === undefined || gw2 === undefined || doomed === undefined) throw new Error("two gateways expected");

    const alice = await stack.user("alice");
    const bob = await stack.user("bob");
    const { room_id: room } = await alice.createGroupRoom("burst");
    await bob.joinRoom(room);

    // Both start on the gateway that will die; the other one is their next choice.
    const senderOutbox = new MemoryOutboxStore();
    const wire = new WireTap();
    const sender = recordedSession({
      url: [gw1, gw2],
      api: alice,
      outbox: senderOutbox,
      positions: new MemoryPositionStore(),
      webSocket: wire.factory,
    });
    const receiver = recordedSession({ url: [gw1, gw2], api: bob, positions: new MemoryPositionStore() });
    try {
      sender.session.connect();
      receiver.session.connect();
      await eventually("both on gw-1", () => sender.session.state === "connected" && receiver.session.state === "connected");
      expect([sender.gateways, receiver.gateways]).toEqual([["gw-1"], ["gw-1"]]);

      const bodies = Array.from({ length: BURST }, (_, index) => `burst-${String(index).padStart(3, "0")}`);
      const outcomes: Array<PostReceipt | Error> = [];
      const settled = bodies.map((body) =>
        sender.session.post(room, body).settled.then(
          (receipt) => outcomes.push(receipt),
          (error: unknown) => outcomes.push(error instanceof Error ? error : new Error(String(error))),
        ),
      );
      expect(senderOutbox.load()).toHaveLength(BURST);

      // Kill gw-1 once the burst is well under way but far from done.
      await eventually("a fifth of the burst delivered", () => receiver.posts(room).length >= BURST / 5, 60_000);
      const beforeKill = { acked: sender.sent.length, received: receiver.posts(room).length };
      const killedAt = performance.now();
      await doomed.kill();

      // How long the user waits: from the crash to the receiver reconnected, and to every
      // message of the burst on the receiver's screen.
      await eventually("the receiver reconnected", () => receiver.gateways.length === 2, 60_000);
      const reconnectedMs = performance.now() - killedAt;
      await Promise.all(settled);
      await eventually("the receiver has the whole burst", () => receiver.posts(room).length >= BURST, 60_000);
      const caughtUpMs = performance.now() - killedAt;

      // The sender: every post settled exactly once, none refused, the outbox empty.
      const failures = outcomes.filter((outcome): outcome is Error => outcome instanceof Error);
      expect(failures).toEqual([]);
      const receipts = outcomes.filter((outcome): outcome is PostReceipt => !(outcome instanceof Error));
      expect(new Set(receipts.map((receipt) => receipt.clientMsgId)).size).toBe(BURST);
      expect(new Set(receipts.map((receipt) => receipt.messageId)).size).toBe(BURST);
      expect(senderOutbox.load()).toEqual([]);
      expect(sender.failed).toEqual([]);

      // The receiver: the full sequence, once each, in the order sent, with contiguous seqs.
      const received = receiver.posts(room);
      expect(received.map(({ post }) => post.body)).toEqual(bodies);
      const seqs = receiver.roomEvents(room).map((frame) => frame.seq);
      const first = seqs[0] ?? 0;
      expect(seqs).toEqual(seqs.map((_, index) => first + index));
      // The sender saw its own posts the same way.
      expect(sender.posts(room).map(({ post }) => post.body)).toEqual(bodies);

      // Both moved to the surviving gateway and resumed there.
      expect(sender.gateways).toEqual(["gw-1", "gw-2"]);
      expect(receiver.gateways).toEqual(["gw-1", "gw-2"]);
      expect(receiver.resumed.filter((frame) => frame.room_id === room)).toEqual([
        expect.objectContaining({ recovered: true, reason: null }),
      ]);

      // And the history read model agrees: each body exactly once.
      const history = await eventually("the history has the whole burst", async () => {
        const all: string[] = [];
        for await (const page of alice.historyPages(room, { limit: 200 })) {
          for (const message of page.messages) all.push(message.body ?? "");
        }
        return all.length >= BURST ? all : undefined;
      }, 60_000);
      expect(history.reverse()).toEqual(bodies);

      const report = {
        burst: BURST,
        msKillToReconnected: Math.round(reconnectedMs),
        msKillToCaughtUp: Math.round(caughtUpMs),
        ackedBeforeKill: beforeKill.acked,
        receivedBeforeKill: beforeKill.received,
        postFramesSent: [...wire.attempts.values()].reduce((sum, count) => sum + count, 0),
        postsResent: wire.resent,
        retriesRecognisedByServer: wire.recognisedRetries,
        receiptsDuplicate: receipts.filter((receipt) => receipt.duplicate).length,
        receiptsConfirmedByEvent: receipts.filter((receipt) => receipt.confirmedBy === "event").length,
        duplicatesDroppedBySender: sender.session.duplicatesDropped,
        duplicatesDroppedByReceiver: receiver.session.duplicatesDropped,
        senderCloses: sender.disconnects.map((close) => close.code),
        receiverCloses: receiver.disconnects.map((close) => close.code),
        lost: BURST - new Set(received.map(({ post }) => post.body)).size,
        duplicated: received.length - new Set(received.map(({ post }) => post.body)).size,
      };
      process.stdout.write(`kill-mid-burst: ${JSON.stringify(report)}\n`);
      expect(report.lost).toBe(0);
      expect(report.duplicated).toBe(0);
    } finally {
      sender.session.close();
      receiver.session.close();
    }
  });
});
