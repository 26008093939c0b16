/**
 * An invite link: Alice, the owner of a private room, makes one in the "Invite people" dialog
 * of her client on gateway 1 (an expiry and a limit of uses); Bob opens it in his own browser
 * profile on gateway 2, logs in, sees the room's name and size without being in it, joins, and
 * they chat: each message appears once on each side. The dialog lists the invite with its use,
 * and revoking it takes it off the list.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, seeOnce, send, webSuite } from "./browser";

const suite = webSuite();

describe("an invite link", () => {
  it("shows the room, joins it, and the two chat", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    await alice.api.createGroupRoom("book club", "private");

    const a = await openClient(browser, stack, { gateway: gw1 });
    await logIn(a, alice);
    await enterRoom(a, "book club");
    await a.getByRole("button", { name: "Invite people" }).click();
    const dialog = a.getByRole("complementary", { name: "Invite people" });
    await dialog.getByLabel("Expires after").selectOption({ label: "7 days" });
    await dialog.getByLabel("Uses").selectOption({ label: "5 uses" });
    await dialog.getByRole("button", { name: "Create link" }).click();
    const field = dialog.getByRole("textbox", { name: "Invite link" });
    await field.waitFor({ timeout: PATIENCE });
    const link = await field.inputValue();
    expect(link).toMatch(/#\/invite\/[A-Za-z0-9_-]{43}$/);
    const invites = dialog.getByRole("list", { name: "Active invites" });
    await invites.getByText(/^0 of 5 used, expires in 7 days$/).waitFor({ timeout: PATIENCE });

    // Bob opens the link (in his own profile, pinned to the other gateway) and logs in: the
    // invite's page names the room and its size; he is not in it yet.
    const b = await openClient(browser, stack, { gateway: gw2 });
    await b.goto(`${stack.apiUrl}/?gateway=${encodeURIComponent(gw2)}${new URL(link).hash}`);
    await logIn(b, bob);
    const page = b.getByRole("main", { name: "Invite" });
    await page.getByRole("heading", { name: "book club", level: 2 }).waitFor({ timeout: PATIENCE });
    await page.getByText("1 member", { exact: true }).waitFor({ timeout: PATIENCE });
    await page.getByRole("button", { name: "Join" }).click();

    // Joined: the room opens, and they chat.
    await b.getByRole("main", { name: "book club" }).waitFor({ timeout: PATIENCE });
    await send(b, "hello from the link");
    await seeOnce(a, "hello from the link");
    await seeOnce(b, "hello from the link");
    await send(a, "welcome, Bob");
    await seeOnce(b, "welcome, Bob");
    await seeOnce(a, "welcome, Bob");

    // The invite shows its use once the list is read again; revoking takes it off.
    await a.getByRole("button", { name: "Invite people" }).click();
    await a.getByRole("button", { name: "Invite people" }).click();
    await invites.getByText(/^1 of 5 used/).waitFor({ timeout: PATIENCE });
    await invites.getByRole("button", { name: /^Revoke invite/ }).click();
    await dialog.getByText("None.").waitFor({ timeout: PATIENCE });
    const refused = await bob.api.acceptInvite(link.split("/").pop() ?? "").then(
      () => null,
      (error: { code?: string }) => error.code ?? null,
    );
    expect(refused).toBe(null); // Bob is a member: accepting again changes nothing, even revoked.
  });
});
