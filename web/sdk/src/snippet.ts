/**
 * Search snippets (api.md §4.6) as text and marks. The server sends HTML-escaped text whose
 * only tags are `<mark>` and `</mark>`; this turns it into plain-text parts, so that a UI
 * renders text nodes (and `<mark>` elements of its own) and never parses server HTML.
 */

/** A run of the snippet's text, and whether it is a match. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** The five entities the server escapes, back to their characters; anything else stays as it is. */
function unescape(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * `snippet` as parts in order, adjacent parts of the same kind merged and empty ones left out.
 * A stray `</mark>` is dropped and an unclosed `<mark>` ends with the text, so any input gives
 * well-formed parts.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let mark = false;
  for (const piece of snippet.split(/(<\/?mark>)/)) {
    if (piece === "<mark>" || piece === "</mark>") {
      mark = piece === "<mark>";
      continue;
    }
    const text = unescape(piece);
    if (text === "") continue;
    const last = parts[parts.length - 1];
    if (last !== undefined && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  }
  return parts;
}
