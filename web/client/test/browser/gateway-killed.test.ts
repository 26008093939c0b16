/**
 * The gateway of one page dies (SIGKILL) in the middle of a conversation: the page says it is
 * reconnecting, a message typed meanwhile is shown as queued, and once a gateway answers at
 * that address again the page catches up: the other person's messages from the outage appear,
 * the queued one is delivered exactly once, and nothing on screen is lost or duplicated. A page
 * on the configured gateways moves to the other one instead. The time from the kill to
 * caught-up is printed for both (for the pinned page it includes the outage the test imposes).
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, messageRows, openClient, seeOnce, send, visibleBodies, webSuite } from "./browser";

const suite = webSuite();

describe("a page whose gateway is killed", () => {
  it("shows reconnecting, queues a send, then catches up with nothing lost or duplicated", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const doomed = stack.gateways[0];
    if (doomed === undefined) throw new Error("two gateways expected");
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: roomId } = await alice.api.createGroupRoom("outage");
    await bob.api.joinRoom(roomId);

    const a = await openClient(browser, stack, { gateway: gw1 });
    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(a, alice);
    await logIn(b, bob);
    await enterRoom(a, "outage");
    await enterRoom(b, "outage");

    const before = ["before 1", "before 2", "before 3"];
    for (const text of before) await send(b, text);
    for (const text of before) await seeOnce(a, text);

    const killedAt = Date.now();
    await doomed.kill();
    await a.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ timeout: PATIENCE });

    // Bob goes on talking through his gateway; Alice writes into the void.
    const during = ["during 1", "during 2", "during 3"];
    for (const text of during) await send(b, text);
    await send(a, "written while disconnected");
    await messageRows(a, "written while disconnected").getByRole("img", { name: "Queued" }).waitFor({ timeout: PATIENCE });
    await a.getByRole("status").filter({ hasText: "1 message queued" }).waitFor({ timeout: PATIENCE });

    // A gateway comes back at the address Alice's page is pinned to.
    const address = new URL(gw1).host;
    const restartedAt = Date.now();
    await stack.startGateway("gw-1-again", address);

    const expected = [...before, ...during, "written while disconnected"];
    for (const text of expected) await seeOnce(a, text);
    await messageRows(a, "written while disconnected").getByRole("img", { name: /Sent|Read/ }).waitFor({ timeout: PATIENCE });
    const caughtUpAt = Date.now();
    await seeOnce(b, "written while disconnected");
    await expect.poll(() => a.getByRole("status").filter({ hasText: /Reconnecting|queued/ }).count()).toBe(0);

    // Everything once, in order, on both sides.
    expect(await visibleBodies(a)).toEqual(expected);
    expect(await visibleBodies(b)).toEqual(expected);
    const history: string[] = [];
    for await (const page of alice.api.historyPages(roomId)) history.push(...page.messages.map((message) => message.body ?? ""));
    expect(history.reverse()).toEqual(expected);

    process.stdout.write(
      `browser gateway kill (pinned page): kill → caught up ${caughtUpAt - killedAt} ms (gateway down ${restartedAt - killedAt} ms; restart → caught up ${caughtUpAt - restartedAt} ms)\n`,
    );
  });

  it("moves to another configured gateway and catches up there", async () => {
    const { stack, browser, gateways } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: roomId } = await alice.api.createGroupRoom("failover");
    await bob.api.joinRoom(roomId);

    // Alice's page takes the gateways from /v1/client-config and starts on the first one.
    const a = await openClient(browser, stack);
    await logIn(a, alice);
    await enterRoom(a, "failover");
    await send(a, "hello from the first gateway");
    await seeOnce(a, "hello from the first gateway");
    const first = new URL(gateways[0]).host;
    const doomed = stack.gateways.find((gateway) => gateway.running && gateway.url !== null && new URL(gateway.url).host === first);
    if (doomed === undefined) throw new Error("no gateway runs at the first configured address");

    const killedAt = Date.now();
    await doomed.kill();
    // Bob posts over REST meanwhile; Alice writes too.
    for (const text of ["missed 1", "missed 2"]) await bob.api.postMessage(roomId, text);
    await send(a, "sent during the failover");
    const expected = ["hello from the first gateway", "missed 1", "missed 2", "sent during the failover"];
    for (const text of expected) await seeOnce(a, text);
    await messageRows(a, "sent during the failover").getByRole("img", { name: "Sent" }).waitFor({ timeout: PATIENCE });
    const caughtUpAt = Date.now();
    await expect.poll(() => a.getByRole("status").filter({ hasText: /Reconnecting|queued/ }).count()).toBe(0);
    // The page shows what the server stored, once each and in the room's order.
    const history: string[] = [];
    for await (const page of bob.api.historyPages(roomId)) history.push(...page.messages.map((message) => message.body ?? ""));
    expect(history.slice().sort()).toEqual(expected.slice().sort());
    expect(await visibleBodies(a)).toEqual(history.reverse());

    process.stdout.write(`browser gateway kill (configured gateways): kill → caught up on the other gateway ${caughtUpAt - killedAt} ms\n`);
  });
});
