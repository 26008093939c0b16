import { describe, expect, it } from "vitest";

import { ChatApiError, type BlockedUser, type ContactEntry, type ContactList, type Standing, type UserId } from "../../../sdk/src/index";
import { Contacts, type ContactsApi } from "../../src/model/contacts";

function entry(id: string, presence: ContactEntry["presence"] = null): ContactEntry {
  return { user_id: id, username: id, display_name: id.toUpperCase(), since: "2026-12-01T10:00:00Z", presence, presence_since: null };
}

/** A server that keeps one user's lists and applies what the model asks, recording the calls. */
function server() {
  const list: ContactList = { contacts: [], incoming: [entry("bob")], outgoing: [] };
  let blocked: BlockedUser[] = [];
  const calls: string[] = [];
  const standing = (relation: Standing["relation"], isBlocked = false): Standing => ({ relation, blocked: isBlocked, changed: true });
  const api: ContactsApi = {
    contacts: async () => structuredClone(list),
    blocks: async () => structuredClone(blocked),
    findUser: async (username) => (username === "cleo" ? { user_id: "cleo", username, display_name: "Cleo" } : null),
    requestContact: async (userId: UserId) => {
      calls.push(`ask ${userId}`);
      list.outgoing.push(entry(userId));
      return standing("outgoing");
    },
    acceptContact: async (userId) => {
      calls.push(`accept ${userId}`);
      list.incoming = list.incoming.filter((e) => e.user_id !== userId);
      list.contacts.push(entry(userId, "online"));
      return standing("contact");
    },
    declineContact: async () => standing(null),
    cancelContactRequest: async () => standing(null),
    removeContact: async () => standing(null),
    block: async (userId) => {
      calls.push(`block ${userId}`);
      list.contacts = list.contacts.filter((e) => e.user_id !== userId);
      blocked = [{ user_id: userId, username: userId, display_name: userId, since: "2026-12-01T11:00:00Z" }];
      return standing(null, true);
    },
    unblock: async () => {
      throw new ChatApiError({ status: 404, code: "user_not_found", message: "the user does not exist" });
    },
  };
  return { api, calls };
}

describe("contacts", () => {
  it("shows the server's lists after each action and knows whom the user blocks", async () => {
    const { api, calls } = server();
    const contacts = new Contacts(api);
    await contacts.reload();
    expect(contacts.waiting).toBe(1);

    expect(await contacts.accept("bob")).toBe(true);
    expect(contacts.list.contacts.map((e) => e.user_id)).toEqual(["bob"]);
    expect(contacts.waiting).toBe(0);

    expect(await contacts.ask("@Cleo")).toBe(true);
    expect(contacts.list.outgoing.map((e) => e.user_id)).toEqual(["cleo"]);

    expect(contacts.blocks("bob")).toBe(false);
    expect(await contacts.block("bob")).toBe(true);
    expect(contacts.blocks("bob")).toBe(true);
    expect(contacts.list.contacts).toEqual([]);
    expect(calls).toEqual(["accept bob", "ask cleo", "block bob"]);
  });

  it("says why an action failed, and asks nobody for an unknown name", async () => {
    const { api, calls } = server();
    const contacts = new Contacts(api);
    expect(await contacts.ask("nobody")).toBe(false);
    expect(contacts.problem).toBe("No one is called “nobody”.");
    expect(calls).toEqual([]);
    expect(await contacts.unblock("bob")).toBe(false);
    expect(contacts.problem).toBe("the user does not exist");
    contacts.dismissProblem();
    expect(contacts.problem).toBe(null);
  });
});
