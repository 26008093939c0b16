/**
 * The sidebar's search box and, while a search is shown, its results in place of the room list:
 * each with its room, author, time and the matching words marked. A result opens its room at
 * the message, which is highlighted there (`messageHref`). Enter searches, Escape clears.
 */

import { useEffect, useState } from "preact/hooks";

import type { SearchHit } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { clock, dayLabel } from "../model/days";
import type { MessageSearch } from "../model/message-search";
import { Snippet } from "./Snippet";
import { messageHref } from "./route";

interface Props {
  model: ChatModel;
  search: MessageSearch;
}

/** The search form. */
export function MessageSearchBox({ search }: { search: MessageSearch }) {
  const [text, setText] = useState(search.query);
  useEffect(() => {
    if (!search.active) setText("");
  }, [search.active]);
  return (
    <form
      role="search"
      class="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        void search.search(text);
      }}
    >
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          if (event.currentTarget.value === "") search.clear();
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            setText("");
            search.clear();
          }
        }}
      />
    </form>
  );
}

/** The results of the search shown, page after page. */
export function MessageSearchResults({ model, search }: Props) {
  return (
    <section class="search-results" aria-label="Search results">
      <div class="search-summary">
        <span role="status">
          {search.loading && search.results.length === 0
            ? "Searching…"
            : search.results.length === 0 && search.error === null
              ? `Nothing found for “${search.query}”.`
              : `Results for “${search.query}”`}
        </span>
        <button type="button" class="link" onClick={() => search.clear()}>
          Clear
        </button>
      </div>
      {search.error !== null && (
        <p role="alert" class="problem">
          {search.error}
        </p>
      )}
      {search.results.length > 0 && (
        <ul class="result-list">
          {search.results.map((hit) => (
            <Result key={hit.message_id} model={model} hit={hit} />
          ))}
        </ul>
      )}
      {search.next !== null && (
        <button type="button" class="secondary" disabled={search.loading} onClick={() => void search.more()}>
          More results
        </button>
      )}
    </section>
  );
}

/**
 * One result; a link to the message when its room is in the room list. A support conversation's
 * messages (found by its agents) are answered from the website's inbox, not opened here.
 */
function Result({ model, hit }: { model: ChatModel; hit: SearchHit }) {
  const room = model.room(hit.room_id);
  const support = room === undefined && model.supportRoom(hit.room_id) !== undefined;
  const where = room !== undefined ? model.title(room) : support ? "Support conversation" : (hit.room_name ?? "Direct conversation");
  const who = hit.author_id === model.me ? "You" : model.person(hit.author_id).name;
  const content = (
    <>
      <span class="result-where">
        <span class="result-room">{where}</span> · {who}
      </span>
      <time dateTime={hit.created_at}>
        {dayLabel(hit.created_at)} {clock(hit.created_at)}
      </time>
      <Snippet snippet={hit.snippet} />
    </>
  );
  return (
    <li>
      {room === undefined ? (
        <div class="result">{content}</div>
      ) : (
        <a href={messageHref(hit.room_id, hit.seq)} class="result">
          {content}
        </a>
      )}
    </li>
  );
}
