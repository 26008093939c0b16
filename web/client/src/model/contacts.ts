/**
 * The user's contacts, contact requests and blocks (api.md §14): loaded from the server, and
 * loaded again after every action of the user and whenever the server says the user's side of a
 * relation changed (a `contacts` frame, `heard`), so that both people see a request, an answer
 * or a removal as it happens. The lists are a read model that may trail the answer (or the
 * frame) by a moment: a load that does not show the change yet is repeated a few times. Blocks are kept as a set too: the timeline collapses the messages
 * of people the user blocks (api.md: "the block list is available to your sessions").
 * No UI here: the contacts panel renders it.
 */

import {
  ChatApiError,
  type BlockedUser,
  type ContactList,
  type ContactsEvent,
  type Relation,
  type Standing,
  type UserId,
  type UserIdentity,
} from "../../../sdk/src/index";

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

/** What the lists must show of one person once a change is in them. */
interface Expected {
  user: UserId;
  relation?: Relation | null;
  blocked?: boolean;
}

/** How often, and how long apart, a load that trails a change is repeated. */
const SETTLE_ATTEMPTS = 8;
const SETTLE_PAUSE_MS = 150;

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

  /** The user's side of a relation changed (a `contacts` frame): shows it once the lists do. */
  heard(event: ContactsEvent): Promise<void> {
    return this.settle(expectedAfter(event));
  }

  /** Where the user stands with `userId` as the lists show it. */
  relationOf(userId: UserId): Relation | null {
    const listed = (entries: { user_id: UserId }[]) => entries.some((entry) => entry.user_id === userId);
    if (listed(this.list.contacts)) return "contact";
    if (listed(this.list.incoming)) return "incoming";
    if (listed(this.list.outgoing)) return "outgoing";
    return null;
  }

  /** Asks the person called `username` (a leading `@` allowed); answers whether it went out. */
  async ask(username: string): Promise<boolean> {
    const wanted = username.trim().replace(/^@/, "").toLowerCase();
    return this.act(async () => {
      const found = await this.api.findUser(wanted);
      if (found === null) throw new Error(`No one is called “${wanted}”.`);
      return { user: found.user_id, standing: await this.api.requestContact(found.user_id) };
    });
  }

  accept(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.acceptContact(userId) }));
  }

  decline(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.declineContact(userId) }));
  }

  cancel(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.cancelContactRequest(userId) }));
  }

  remove(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.removeContact(userId) }));
  }

  block(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.block(userId) }));
  }

  unblock(userId: UserId): Promise<boolean> {
    return this.act(async () => ({ user: userId, standing: await this.api.unblock(userId) }));
  }

  dismissProblem(): void {
    this.problem = null;
    this.changed();
  }

  /** Runs an action, then shows its outcome (the lists as the server now has them). */
  private async act(action: () => Promise<{ user: UserId; standing: Standing }>): Promise<boolean> {
    try {
      const { user, standing } = await action();
      this.problem = null;
      await this.settle({ user, relation: standing.relation, blocked: standing.blocked });
      return true;
    } catch (error) {
      this.problem = describe(error);
      this.changed();
      return false;
    }
  }

  /** Loads the lists until they show `expected` (or a few tries have passed). */
  private async settle(expected: Expected): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await this.reload();
      const shown =
        (expected.relation === undefined || this.relationOf(expected.user) === expected.relation) &&
        (expected.blocked === undefined || this.blocks(expected.user) === expected.blocked);
      if (shown || attempt === SETTLE_ATTEMPTS) return;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS * attempt));
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** What the lists show of the other user once `event` is in them. */
function expectedAfter(event: ContactsEvent): Expected {
  switch (event.type) {
    case "ContactRequestSent":
      return { user: event.user, relation: "outgoing" };
    case "ContactRequestReceived":
      return { user: event.user, relation: "incoming" };
    case "ContactAdded":
      return { user: event.user, relation: "contact" };
    case "ContactRequestDeclined":
    case "ContactRequestCancelled":
    case "ContactRemoved":
      return { user: event.user, relation: null };
    case "UserBlocked":
      return { user: event.user, blocked: true };
    case "UserUnblocked":
      return { user: event.user, blocked: false };
  }
}

function describe(error: unknown): string {
  if (error instanceof ChatApiError) return error.message;
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}
