/**
 * The widget benchmark's results: readable tables, then one JSON line like `chat-bench --json`'s
 * scenarios, also written to `$BENCH_OUT/widget.json` when BENCH_OUT is set.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

import type { Milestones } from "./page-load";
import { type Summary, summary } from "./summary";
import { type Download, total } from "./widget-sizes";

export const VARIANTS = ["widget", "baseline"] as const;
export type Variant = (typeof VARIANTS)[number];
const VISITS = ["first", "returning"] as const;
type Visit = (typeof VISITS)[number];

/** The measured page loads (warm-ups left out), by visit and page. */
export type Loads = Record<Visit, Record<Variant, Milestones[]>>;

export interface Results {
  runs: number;
  warmupRounds: number;
  /** The `chat` binary that served. */
  server: string;
  chromium: string;
  downloads: Download[];
  loads: Loads;
}

const MILESTONES: Array<[keyof Milestones, string]> = [
  ["host_html", "host page's HTML received"],
  ["host_parsed", "host page parsed (domInteractive)"],
  ["loader_fetched", "/embed.js received"],
  ["loader_ran", "loader ran (its load event)"],
  ["frame_start", "frame's navigation started"],
  ["frame_html", "frame's HTML received"],
  ["frame_assets", "frame's scripts and styles received"],
  ["api_sent", "GET /v1/widget/{id} sent"],
  ["api_answered", "GET /v1/widget/{id} answered"],
  ["ready", "ready (baseline: frame's message)"],
  ["load", "host page's load event"],
];

export async function report(results: Results): Promise<void> {
  const line = JSON.stringify(json(results));
  process.stdout.write(`${tables(results)}\n${line}\n`);
  const out = process.env["BENCH_OUT"];
  if (out !== undefined && out !== "") {
    await mkdir(out, { recursive: true });
    await writeFile(resolve(out, "widget.json"), `${line}\n`);
  }
}

function json({ runs, warmupRounds, server, chromium, downloads, loads }: Results): object {
  const { loader, frame } = groups(downloads);
  const visit = (which: Visit) => ({
    ...Object.fromEntries(VARIANTS.map((variant) => [variant, { ready: times(loads[which][variant], "ready"), load: times(loads[which][variant], "load") }])),
    widget_over_baseline_p50_ms: overBaseline(loads[which]),
  });
  const medians = (which: Visit) => Object.fromEntries(VARIANTS.map((variant) => [variant, milestoneMedians(loads[which][variant])]));
  return {
    scenario: "widget-ready",
    runs,
    warmup_rounds: warmupRounds,
    server,
    chromium,
    downloads,
    loader_bytes: total(loader),
    frame_bytes: total(frame),
    first_visit: visit("first"),
    returning_visit: visit("returning"),
    milestones_p50_ms: { first_visit: medians("first"), returning_visit: medians("returning") },
  };
}

function tables({ runs, warmupRounds, server, chromium, downloads, loads }: Results): string {
  const { loader, frame } = groups(downloads);
  const bytes = (sizes: { raw: number; gzip9: number; sent: number }) => [sizes.raw, sizes.gzip9, sizes.sent].map(String);
  const sizeRows = [
    ["file", "type", "raw B", "gzip -9 B", "sent B", "encoding", "cache-control"],
    ...downloads.map((one) => [one.path, one.type, ...bytes(one), one.encoding, one.cache_control]),
    ["loader", "", ...bytes(total(loader)), "", ""],
    ["frame: page, scripts, styles", "", ...bytes(total(frame)), "", ""],
  ];
  const timeRows = [
    ["visit", "page", "event", "p50 ms", "p95 ms", "max ms"],
    ...VISITS.flatMap((visit) =>
      VARIANTS.flatMap((variant) =>
        (["ready", "load"] as const).map((event) => {
          const { p50_ms, p95_ms, max_ms } = times(loads[visit][variant], event);
          return [visit, variant, event, ...[p50_ms, p95_ms, max_ms].map((ms) => ms.toFixed(1))];
        }),
      ),
    ),
  ];
  const milestoneRows = [
    ["p50, ms since navigation start", ...VISITS.flatMap((visit) => VARIANTS.map((variant) => `${visit} ${variant}`))],
    ...MILESTONES.map(([key, label]) => [
      label,
      ...VISITS.flatMap((visit) => VARIANTS.map((variant) => milestoneMedians(loads[visit][variant])[key]?.toFixed(1) ?? "")),
    ]),
  ];
  return [
    `widget-ready: ${runs} loads of each page and visit after ${warmupRounds} warm-up rounds; server ${server}; Chromium ${chromium}`,
    "",
    "What a visitor downloads from the API",
    table(sizeRows),
    "",
    "Time from the host page's navigation start to the frame's ready (widget: ChatWidget.on('ready'); baseline: the frame's message) and to the page's load event",
    table(timeRows),
    `widget over baseline, p50 of ready: first visit ${overBaseline(loads.first).toFixed(1)} ms, returning ${overBaseline(loads.returning).toFixed(1)} ms`,
    "",
    "Where the time goes (medians of each milestone on its own)",
    table(milestoneRows),
  ].join("\n");
}

/** The loader, and the frame's page with what it loads; the widget's JSON is in neither. */
function groups(downloads: Download[]): { loader: Download[]; frame: Download[] } {
  return {
    loader: downloads.filter((one) => one.path === "/embed.js"),
    frame: downloads.filter((one) => one.path !== "/embed.js" && ["document", "script", "stylesheet"].includes(one.type)),
  };
}

function times(loads: Milestones[], event: "ready" | "load"): Summary {
  return summary(loads.map((load) => load[event]));
}

function overBaseline(loads: Record<Variant, Milestones[]>): number {
  return Math.round((times(loads.widget, "ready").p50_ms - times(loads.baseline, "ready").p50_ms) * 10) / 10;
}

function milestoneMedians(loads: Milestones[]): Partial<Record<keyof Milestones, number>> {
  const medians: Partial<Record<keyof Milestones, number>> = {};
  for (const [key] of MILESTONES) {
    const values = loads.flatMap((load) => (load[key] === undefined ? [] : [load[key]]));
    if (values.length > 0) medians[key] = summary(values).p50_ms;
  }
  return medians;
}

/** Left-aligned first column, the others right-aligned. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  "))
    .join("\n");
}
