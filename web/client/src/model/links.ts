/**
 * A message's text cut into plain runs and web links (`http://` and `https://` only), so that
 * the row can render links as anchors and everything else as text: nothing in a message is
 * ever interpreted as HTML. Punctuation that usually ends a sentence is left out of a link's
 * end (`see https://example.com.`), and so is a closing bracket without its opening one.
 */

export type Run = { kind: "text"; text: string } | { kind: "link"; href: string; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;

export function linkRuns(text: string): Run[] {
  const runs: Run[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const link = trimEnd(match[0]);
    if (start > last) runs.push({ kind: "text", text: text.slice(last, start) });
    runs.push({ kind: "link", href: link, text: link });
    last = start + link.length;
  }
  if (last < text.length) runs.push({ kind: "text", text: text.slice(last) });
  return runs;
}

function trimEnd(url: string): string {
  let end = url.length;
  for (;;) {
    const char = url[end - 1] ?? "";
    if (end > 0 && ".,;:!?'".includes(char)) {
      end -= 1;
    } else if (char === ")" && count(url.slice(0, end), "(") < count(url.slice(0, end), ")")) {
      end -= 1;
    } else {
      return url.slice(0, end);
    }
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
