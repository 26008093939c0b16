/**
 * The user's contacts, contact requests and blocks (api.md §14): loaded from the server, and
 * loaded again after every action of the user and whenever the server says the user's side of a
 * relation changed (a `contacts` frame, `reload`), so that both people see a request, an answer
 * or a removal as it happens. Blocks are kept as a set too: the timeline collapses the messages
 * of people the user blocks (api.md: "the block list is available to your sessions").
 * No UI here: the contacts panel renders it.
 */

import { ChatApiError, type BlockedUser, type ContactList, type Standing, type UserId, type UserIdentity } from "../../../sdk/src/index";

/** The calls the contacts need (`ChatApi`). */
export interface ContactsApi {
  contacts(): Promise<ContactList>;
  blocks(): Promise<BlockedUser[]>;
  findUser(username: string): Promise<UserIdentity | null>;
  requestContact(userId: UserId): Promise<Standing>;
  acceptContact(userId: UserId): Promise<Standing>;
  declineContact(userId: UserId): Promise<Standing>;
  cancelContactRequest(userId: UserId): Promise<Standing>;
  removeContact(userId: UserId): Promise<Standing>;
  block(userId: UserId): Promise<Standing>;
  unblock(userId: UserId): Promise<Standing>;
}

const EMPTY: ContactList = { contacts: [], incoming: [], outgoing: [] };

export class Contacts {
  list: ContactList = EMPTY;
  blocked: BlockedUser[] = [];
  /** Why the last action failed, for the user. */
  problem: string | null = null;
  private blockedIds = new Set<UserId>();
  /** Counts loads, so that an older answer never replaces a newer one. */
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: ContactsApi) {}

  /** Calls `listener` after every change; answers the unsubscriber. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the user blocks `userId`. */
  blocks(userId: UserId): boolean {
    return this.blockedIds.has(userId);
  }

  /** How many requests wait for the user's answer. */
  get waiting(): number {
    return this.list.incoming.length;
  }

  /** Loads the lists again (after a change the server announced, or on first show). */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    try {
      const [list, blocked] = await Promise.all([this.api.contacts(), this.api.blocks()]);
      if (generation !== this.generation) return;
      this.list = list;
      this.blocked = blocked;
      this.blockedIds = new Set(blocked.map((user) => user.user_id));
    } catch (error) {
      if (generation === this.generation) this.problem = describe(error);
    }
    this.changed();
  }

  /** Asks the person called `username` (a leading `@` allowed); answers whether it went out. */
  async ask(username: string): Promise<boolean> {
    const wanted = username.trim().replace(/^@/, "").toLowerCase();
    return this.act(async () => {
      const found = await this.api.findUser(wanted);
      if (found === null) throw new Error(`No one is called “${wanted}”.`);
      return this.api.requestContact(found.user_id);
    });
  }

  accept(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.acceptContact(userId));
  }

  decline(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.declineContact(userId));
  }

  cancel(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.cancelContactRequest(userId));
  }

  remove(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.removeContact(userId));
  }

  block(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.block(userId));
  }

  unblock(userId: UserId): Promise<boolean> {
    return this.act(() => this.api.unblock(userId));
  }

  dismissProblem(): void {
    this.problem = null;
    this.changed();
  }

  /** Runs an action, then shows its outcome (the lists as the server now has them). */
  private async act(action: () => Promise<Standing>): Promise<boolean> {
    try {
      await action();
      this.problem = null;
      await this.reload();
      return true;
    } catch (error) {
      this.problem = describe(error);
      this.changed();
      return false;
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function describe(error: unknown): string {
  if (error instanceof ChatApiError) return error.message;
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}
