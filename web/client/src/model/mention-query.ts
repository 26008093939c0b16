/**
 * The `@name` being typed at the caret, for the composer's suggestions: an `@` at the start of
 * the text or after a space, then the characters a username may hold, up to the caret.
 */

export interface MentionQuery {
  /** Where the `@` is. */
  start: number;
  /** What follows it, up to the caret, in lower case. */
  query: string;
}

export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const match = /(^|\s)@([a-z0-9_.-]*)$/i.exec(text.slice(0, caret));
  if (match === null) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query: query.toLowerCase() };
}

/** `text` with the mention at `at` (up to `caret`) completed to `@username `, and the new caret. */
export function completeMention(text: string, caret: number, at: MentionQuery, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  const rest = text.slice(caret).replace(/^\s/, "");
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}
