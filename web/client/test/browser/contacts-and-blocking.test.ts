/**
 * Contacts and blocking (api.md §14), in two browsers on two gateways: Bob asks Alice to be a
 * contact from his Contacts panel; Alice sees the request, accepts it, and messages Bob from her
 * contact list; each message appears once. Then Alice blocks Bob: her Blocked list holds him,
 * and neither can write to the other any more (each client says why); his attempt never
 * reaches her, and his message in a group room they share is collapsed for her.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, seeOnce, send, webSuite } from "./browser";

const suite = webSuite();

describe("contacts and blocking", () => {
  it("asks, accepts, messages, then blocks and the blocked user can no longer write", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    // They also share a group room, where Bob has said something.
    const garden = await bob.api.createGroupRoom("garden");
    await alice.api.joinRoom(garden.room_id);
    await bob.api.postMessage(garden.room_id, "roses in the garden");

    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(b, bob);
    await b.getByRole("button", { name: "Contacts" }).click();
    const bobsContacts = b.getByRole("region", { name: "Contacts" });
    await bobsContacts.getByLabel("Add a contact").fill(alice.username);
    await bobsContacts.getByRole("button", { name: "Ask" }).click();
    await bobsContacts.getByRole("list", { name: "Asked" }).getByRole("listitem", { name: alice.username }).waitFor({ timeout: PATIENCE });

    const a = await openClient(browser, stack, { gateway: gw1 });
    await logIn(a, alice);
    await a.getByRole("button", { name: /^Contacts/ }).click();
    const alicesContacts = a.getByRole("region", { name: "Contacts" });
    const requests = alicesContacts.getByRole("list", { name: "Requests" });
    await requests.getByRole("listitem").first().waitFor({ timeout: PATIENCE });
    await requests.getByRole("button", { name: "Accept" }).click();
    const contacts = alicesContacts.getByRole("list", { name: "Contacts" });
    await contacts.getByRole("listitem").first().waitFor({ timeout: PATIENCE });
    expect(await contacts.getByRole("listitem").count()).toBe(1);

    // Alice messages Bob from her contact list.
    await contacts.getByRole("button", { name: "Message" }).click();
    await send(a, "hi bob, now we are contacts");
    await seeOnce(a, "hi bob, now we are contacts");
    await enterRoom(b, alice.username);
    await seeOnce(b, "hi bob, now we are contacts");
    await send(b, "hello alice");
    await seeOnce(a, "hello alice");

    // Alice blocks Bob: he is off her contacts and in her Blocked list.
    await contacts.getByRole("button", { name: "Block" }).click();
    await alicesContacts.getByRole("list", { name: "Blocked" }).getByRole("listitem").first().waitFor({ timeout: PATIENCE });
    await alicesContacts.getByText("No contacts yet.").waitFor({ timeout: PATIENCE });

    // Bob can no longer write to her (the block is in force once her list shows it): his client
    // says why, and nothing reaches Alice.
    await send(b, "are you there?");
    await b.getByRole("alert").filter({ hasText: "you cannot message this user" }).waitFor({ timeout: PATIENCE });
    // Nor can she write to him while she blocks him.
    await send(a, "one more from alice");
    await a.getByRole("alert").filter({ hasText: "you cannot message this user" }).waitFor({ timeout: PATIENCE });
    expect(await a.getByText("are you there?").count()).toBe(0);

    // In the group room they share, Bob's message is collapsed for Alice (in the room list's
    // preview too) until she asks for it.
    await enterRoom(a, "garden");
    await a.getByText("A message from someone you blocked.").waitFor({ timeout: PATIENCE });
    expect(await a.getByText("roses in the garden").count()).toBe(0);
    await a.getByRole("button", { name: "Show" }).click();
    await seeOnce(a, "roses in the garden");
  });
});
