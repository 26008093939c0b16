/** A message's text with its web links clickable (opened in a new tab); the rest is text. */

import { linkRuns } from "../model/links";

export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkRuns(text).map((run, index) =>
        run.kind === "link" ? (
          <a key={index} href={run.href} target="_blank" rel="noopener noreferrer nofollow">
            {run.text}
          </a>
        ) : (
          run.text
        ),
      )}
    </>
  );
}
