/** Page visibility, where there is a page: `away` while the document is hidden (protocol.md §3 `presence`). */

/** Calls `onChange(hidden)` now and on every change; answers the function that stops watching. */
export function watchVisibility(onChange: (hidden: boolean) => void): () => void {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined || typeof doc.addEventListener !== "function") return () => undefined;
  const update = () => onChange(doc.visibilityState === "hidden");
  update();
  doc.addEventListener("visibilitychange", update);
  return () => doc.removeEventListener("visibilitychange", update);
}
