import { describe, expect, it } from "vitest";

import { ChatApiError, type SearchHit, type SearchOptions, type SearchResults } from "../../../sdk/src/index";
import { MessageSearch } from "../../src/model/message-search";

function hit(id: string): SearchHit {
  return {
    message_id: id,
    room_id: "r",
    room_name: "Garden",
    seq: 1,
    author_id: "u",
    created_at: "2026-12-01T10:00:00Z",
    edited_at: null,
    kind: "text",
    has_attachments: false,
    snippet: `<mark>${id}</mark>`,
  };
}

/** A search API whose answers the test releases one by one. */
function pendingApi() {
  const calls: Array<{ query: string; options: SearchOptions | undefined; answer: (page: SearchResults | Error) => void }> = [];
  const api = {
    searchMessages: (query: string, options?: SearchOptions) =>
      new Promise<SearchResults>((resolve, reject) => {
        calls.push({ query, options, answer: (page) => (page instanceof Error ? reject(page) : resolve(page)) });
      }),
  };
  return { api, calls };
}

describe("MessageSearch", () => {
  it("searches, pages on with the cursor, and clears", async () => {
    const { api, calls } = pendingApi();
    const search = new MessageSearch(api);
    let changes = 0;
    search.subscribe(() => (changes += 1));
    const first = search.search("  apples ");
    expect([search.active, search.loading, search.query]).toEqual([true, true, "apples"]);
    calls[0]?.answer({ results: [hit("a"), hit("b")], next_cursor: "c1" });
    await first;
    expect(search.results.map((found) => found.message_id)).toEqual(["a", "b"]);
    const more = search.more();
    expect(calls[1]?.options).toEqual({ cursor: "c1", limit: 20 });
    calls[1]?.answer({ results: [hit("c")], next_cursor: null });
    await more;
    expect([search.results.map((found) => found.message_id), search.next, search.loading]).toEqual([["a", "b", "c"], null, false]);
    await search.more();
    expect(calls).toHaveLength(2);
    search.clear();
    expect([search.active, search.results]).toEqual([false, []]);
    expect(changes).toBeGreaterThanOrEqual(5);
  });

  it("drops the answer to a search the user has moved on from", async () => {
    const { api, calls } = pendingApi();
    const search = new MessageSearch(api);
    const old = search.search("old");
    const current = search.search("new");
    calls[1]?.answer({ results: [hit("new")], next_cursor: null });
    await current;
    calls[0]?.answer({ results: [hit("old")], next_cursor: "late" });
    await old;
    expect([search.query, search.results.map((found) => found.message_id), search.next]).toEqual(["new", ["new"], null]);
    const cleared = search.search("again");
    search.clear();
    calls[2]?.answer({ results: [hit("again")], next_cursor: null });
    await cleared;
    expect([search.active, search.results, search.loading]).toEqual([false, [], false]);
  });

  it("says why a search failed, and an empty box is no search", async () => {
    const { api, calls } = pendingApi();
    const search = new MessageSearch(api);
    const limited = search.search("x");
    calls[0]?.answer(new ChatApiError({ status: 429, code: "rate_limited", message: "slow down" }));
    await limited;
    expect([search.error, search.loading]).toEqual(["Too many searches at once; wait a moment.", false]);
    await search.search("   ");
    expect([search.active, calls.length]).toEqual([false, 1]);
  });
});
