/**
 * The people the user meets (members of their rooms, authors): names and presence, from room
 * details, live presence frames, and, for someone who appears before any detail names them,
 * their profile (`GET /v1/users/{id}`, read once).
 */

import { type ChatApi, ChatApiError, type MemberView, type PresenceStatus, type UserId } from "../../../sdk/src/index";

/** Reads of a profile that the API does not show yet (about 8 s in all). */
const LEARN_ATTEMPTS = 5;

/** What the UI knows of a person. */
export interface Person {
  name: string;
  username: string | null;
  presence: PresenceStatus;
}

export class People {
  private readonly known = new Map<UserId, Person>();

  constructor(
    private readonly api: Pick<ChatApi, "user">,
    private readonly changed: () => void,
  ) {}

  /** What is known of `userId`; a short id until their name is. */
  get(userId: UserId): Person {
    return this.known.get(userId) ?? { name: userId.slice(0, 8), username: null, presence: "offline" };
  }

  /** Whether the person has been seen (or asked about) before. */
  has(userId: UserId): boolean {
    return this.known.has(userId);
  }

  /** The id of the person called `username` (lower case), among those known. */
  byUsername(username: string): UserId | null {
    return [...this.known.entries()].find(([, person]) => person.username === username)?.[0] ?? null;
  }

  /** Members as a room's detail lists them. */
  addMembers(members: readonly MemberView[]): void {
    for (const member of members) {
      this.known.set(member.user_id, {
        name: member.display_name ?? member.username ?? member.user_id.slice(0, 8),
        username: member.username,
        presence: member.presence,
      });
    }
  }

  /** A new display name (the user's own, just changed). */
  rename(userId: UserId, name: string): void {
    this.known.set(userId, { ...this.get(userId), name });
  }

  setPresence(userId: UserId, presence: PresenceStatus): void {
    const person = this.known.get(userId);
    if (person !== undefined) this.known.set(userId, { ...person, presence });
  }

  /**
   * Reads the profile of someone not known yet, once. The API shows it to people who share a
   * room, as its read model knows: someone who has just joined may take a moment to count.
   */
  async learn(userId: UserId): Promise<void> {
    if (this.known.has(userId)) return;
    this.known.set(userId, this.get(userId));
    for (let attempt = 0; attempt < LEARN_ATTEMPTS; attempt += 1) {
      try {
        const user = await this.api.user(userId);
        this.known.set(userId, { name: user.display_name, username: user.username, presence: user.presence });
        this.changed();
        return;
      } catch (error) {
        // Erased, or sharing no room after all: the short id stays.
        if (!(error instanceof ChatApiError && error.status === 404)) return;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }
}
