/**
 * A search result's snippet as text with the matches marked. The server's snippet is escaped
 * HTML with `<mark>` only; it is turned into text parts (`snippetParts`) and rendered as text
 * nodes and our own `<mark>` elements, never parsed as HTML.
 */

import { snippetParts } from "../../../sdk/src/index";

export function Snippet({ snippet }: { snippet: string }) {
  return (
    <span class="snippet">
      {snippetParts(snippet).map((part, index) => (part.mark ? <mark key={index}>{part.text}</mark> : part.text))}
    </span>
  );
}
