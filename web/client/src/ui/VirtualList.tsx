/**
 * A variable-height virtual list for chat history: only the rows near the viewport are in the
 * DOM (a 10 000-message room renders a few dozen), measured after each render. It behaves as a
 * chat log should: it sticks to the bottom while the user is there, keeps the row they are
 * looking at in place when older rows are prepended or rows change height, and asks for older
 * rows when the user nears the top. Scrolled away from the bottom, a button jumps back. Given a
 * row to focus (a search result), it scrolls that row to the middle once it is there, and keeps
 * it in place while the rows around it are measured.
 */

import type { ComponentChildren } from "preact";
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";

import { rowAt, rowOffsets, rowWindow } from "./row-window";

interface Props<T> {
  items: readonly T[];
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  label: string;
  /** Called when the user is near the oldest row (or the rows do not fill the viewport). */
  onNearStart: () => void;
  /** Rows not measured yet are assumed this tall (px). */
  estimate?: number;
  /** The key of a row to bring to the middle of the view when it is among `items`. */
  focusKey?: string | null;
}

/** Rows rendered beyond each edge of the viewport (px). */
const OVERSCAN = 600;
/** Within this of the bottom counts as "at the bottom" (px). */
const BOTTOM_SLACK = 32;
const NEAR_START = 400;

interface Anchor {
  key: string;
  /** The row's offset minus `scrollTop` when the user last scrolled. */
  delta: number;
}

export function VirtualList<T>({ items, keyOf, render, label, onNearStart, estimate = 64, focusKey = null }: Props<T>) {
  const container = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const atBottom = useRef(true);
  /** Shown while the user has scrolled away from the newest rows. */
  const [away, setAway] = useState(false);
  const anchor = useRef<Anchor | null>(null);
  /** The focused row once it has been centred at its measured height. */
  const focused = useRef<string | null>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  const [measured, setMeasured] = useState(0);

  const keys = useMemo(() => items.map(keyOf), [items, keyOf]);
  const index = useMemo(() => new Map(keys.map((key, position) => [key, position])), [keys]);
  // `measured` changes when a row's height does: the offsets must follow.
  const offsets = useMemo(() => rowOffsets(keys, heights.current, estimate), [keys, measured, estimate]);
  const rows = rowWindow(offsets, viewport.top, viewport.height, OVERSCAN);

  useLayoutEffect(() => {
    const element = container.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setViewport({ top: element.scrollTop, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = container.current;
    if (element === null) return;
    let changed = false;
    for (const row of element.querySelectorAll<HTMLElement>("[data-row]")) {
      const key = row.dataset["row"] ?? "";
      const height = row.offsetHeight;
      if (heights.current.get(key) !== height) {
        heights.current.set(key, height);
        changed = true;
      }
    }
    if (changed) {
      setMeasured((count) => count + 1);
      return;
    }
    // Heights are settled: put the viewport where the user expects it. A row to focus is
    // centred (again once it has been rendered and measured), then held like any anchor.
    const focusIndex = focusKey === null ? undefined : index.get(focusKey);
    if (focusKey !== null && focusIndex !== undefined && focused.current !== focusKey) {
      const height = heights.current.get(focusKey);
      const top = Math.max(0, (offsets[focusIndex] ?? 0) - (element.clientHeight - (height ?? estimate)) / 2);
      element.scrollTop = top;
      atBottom.current = false;
      anchor.current = { key: focusKey, delta: (offsets[focusIndex] ?? 0) - element.scrollTop };
      setAway(element.scrollHeight - element.scrollTop - element.clientHeight >= BOTTOM_SLACK);
      setViewport({ top: element.scrollTop, height: element.clientHeight });
      if (height !== undefined) focused.current = focusKey;
      return;
    }
    const kept = anchor.current;
    const anchorIndex = kept === null ? undefined : index.get(kept.key);
    if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    } else if (kept !== null && anchorIndex !== undefined) {
      const target = (offsets[anchorIndex] ?? 0) - kept.delta;
      if (Math.abs(element.scrollTop - target) > 1) element.scrollTop = target;
    }
    if (element.scrollHeight <= element.clientHeight + NEAR_START || element.scrollTop < NEAR_START) onNearStart();
  });

  const onScroll = () => {
    const element = container.current;
    if (element === null) return;
    const top = element.scrollTop;
    atBottom.current = element.scrollHeight - top - element.clientHeight < BOTTOM_SLACK;
    setAway(!atBottom.current);
    const first = rowAt(offsets, top);
    const key = keys[first];
    anchor.current = key === undefined ? null : { key, delta: (offsets[first] ?? 0) - top };
    setViewport({ top, height: element.clientHeight });
    if (top < NEAR_START) onNearStart();
  };

  // At the very top a wheel turn scrolls nothing: ask again (e.g. after a failed load).
  const onWheel = (event: WheelEvent) => {
    if (event.deltaY < 0 && (container.current?.scrollTop ?? 1) === 0) onNearStart();
  };

  const jumpToLatest = () => {
    const element = container.current;
    if (element === null) return;
    atBottom.current = true;
    setAway(false);
    element.scrollTop = element.scrollHeight;
  };

  const visible = items.slice(rows.start, rows.end + 1);
  return (
    <div class="virtual-frame">
      <div ref={container} class="virtual-list" role="log" aria-label={label} tabIndex={0} onScroll={onScroll} onWheel={onWheel}>
        <div class="list-start" style={{ height: `${rows.before}px` }} aria-hidden="true" />
        {visible.map((item) => (
          <div key={keyOf(item)} data-row={keyOf(item)}>
            {render(item)}
          </div>
        ))}
        <div style={{ height: `${rows.after}px` }} aria-hidden="true" />
      </div>
      {away && (
        <button type="button" class="jump-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}
