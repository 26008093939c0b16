/**
 * The search box's state: what was searched for, the results so far (page after page), and
 * whether a page is on its way or failed. Answers that arrive after the user searched for
 * something else, or cleared the box, are dropped, so a slow page never replaces a newer one.
 * No UI here: the sidebar renders it (subscribed to its changes) and calls `search`, `more` and
 * `clear`.
 */

import { ChatApiError, type SearchHit, type SearchOptions, type SearchResults } from "../../../sdk/src/index";

/** The one call the search needs (`ChatApi.searchMessages`). */
export interface SearchApi {
  searchMessages(query: string, options?: SearchOptions): Promise<SearchResults>;
}

/** Results per page. */
const PAGE = 20;

export class MessageSearch {
  /** The search shown, trimmed; `""` when the box is clear. */
  query = "";
  results: SearchHit[] = [];
  /** The cursor of the next page, `null` when there is none. */
  next: string | null = null;
  loading = false;
  /** Why the last page failed, for the user. */
  error: string | null = null;
  /** Counts searches, so that an answer to an older one is recognised and dropped. */
  private generation = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: SearchApi) {}

  /** Calls `listener` after every change; answers the unsubscriber. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether there is a search to show (results, or the lack of them). */
  get active(): boolean {
    return this.query !== "";
  }

  /** Searches for `query` from its first page; an empty one clears the search. */
  async search(query: string): Promise<void> {
    const wanted = query.trim();
    if (wanted === "") return this.clear();
    this.generation += 1;
    this.query = wanted;
    this.results = [];
    this.next = null;
    await this.fetch({});
  }

  /** The next page of the current search, if there is one and none is on its way. */
  async more(): Promise<void> {
    if (this.next === null || this.loading) return;
    await this.fetch({ cursor: this.next });
  }

  clear(): void {
    this.generation += 1;
    this.query = "";
    this.results = [];
    this.next = null;
    this.loading = false;
    this.error = null;
    this.changed();
  }

  private async fetch(options: SearchOptions): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.error = null;
    this.changed();
    try {
      const page = await this.api.searchMessages(this.query, { ...options, limit: PAGE });
      if (generation !== this.generation) return;
      this.results = [...this.results, ...page.results];
      this.next = page.next_cursor;
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = describe(error);
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changed();
      }
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function describe(error: unknown): string {
  if (!(error instanceof ChatApiError)) return "Search failed; try again.";
  switch (error.code) {
    case "rate_limited":
      return "Too many searches at once; wait a moment.";
    case "invalid_query":
      return "Search for words or numbers (at most 200 characters).";
    default:
      return error.message;
  }
}
