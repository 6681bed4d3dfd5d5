/**
 * The API benchmark's report: one row per load (req/s, p50/p99 latency, errors), the targets, the
 * daemon's RSS before and after, latencies by kind of read, as a console table and as Markdown
 * for docs/bench/api.md.
 */
import type { Result } from "autocannon";
import { percentile, type LoadRun } from "./api-load.ts";

export interface LoadRow {
  load: string;
  connections: number;
  run: LoadRun;
}

export interface Report {
  when: Date;
  machine: string;
  loadAverage: { start: string; end: string };
  durationS: number;
  baselineS: number;
  seeded: number;
  rateLimit: number;
  rows: LoadRow[];
  reads: LoadRun;
  writes: LoadRun;
  baselines: { readsAlone: LoadRun; writesAlone: LoadRun; health: LoadRun; bare: LoadRun };
  /** Writes of the mixed phase the node stored (answered in time or not), and those answered 201. */
  mixedWrites: { stored: number; acknowledged: number };
  rss: { before: number; after: number };
  /** After the run: listings the node holds, writes answered 201, how many of those it cannot serve. */
  stored: { listings: number; acknowledged: number; missing: number; seeded: number };
  presigned: number;
  signedDuringRun: number;
  daemonExit: string;
}

const MB = 1_048_576;
const ms = (value: number) =>
  Number.isNaN(value) ? "-" : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
const count = (value: number) => value.toLocaleString("en-US");
/** A latency percentile of a run, or "-" when nothing was answered. */
const latency = (run: LoadRun, p: "p50" | "p99") => (run.result.requests.total === 0 ? "-" : ms(run.result.latency[p]));

/** Errors (no answer, timeouts) plus non-2xx answers, with the status codes. */
function failures(result: Result): { total: number; text: string } {
  const codes = Object.entries(result.statusCodeStats)
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, { count: n }]) => `${n} x ${code}`);
  const total = result.errors + result.non2xx;
  const parts = [`${result.errors} errors (${result.timeouts} timeouts)`, `${result.non2xx} non-2xx`];
  if (codes.length > 0) parts.push(codes.join(", "));
  return { total, text: parts.join(", ") };
}

export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

export function targets(report: Report): Target[] {
  const reads = failures(report.reads.result);
  const writes = failures(report.writes.result);
  return [
    { target: "0 errors, reads", measured: reads.text, met: reads.total === 0 },
    { target: "0 errors, writes", measured: writes.text, met: writes.total === 0 },
    {
      target: "read p99 <= 50 ms",
      measured: latency(report.reads, "p99"),
      met: report.reads.result.latency.p99 <= 50,
    },
    {
      target: "every write answered 201 readable afterwards",
      measured: `${report.stored.missing} of ${count(report.stored.acknowledged)} missing`,
      met: report.stored.missing === 0,
    },
  ];
}

function loadTable(rows: LoadRow[]): string[][] {
  return rows.map(({ load, connections, run }) => [
    load,
    String(connections),
    `${Math.round(run.result.duration)} s`,
    count(Math.round(run.result.requests.average)),
    latency(run, "p50"),
    latency(run, "p99"),
    count(run.result.requests.total),
    failures(run.result).text,
  ]);
}

const LOAD_HEADER = ["load", "connections", "time", "req/s", "p50", "p99", "requests", "errors / non-2xx"];

function kindTable(runs: LoadRun[]): string[][] {
  const rows: string[][] = [];
  for (const run of runs) {
    for (const [kind, latencies] of run.byKind) {
      rows.push([kind, count(latencies.length), ms(percentile(latencies, 50)), ms(percentile(latencies, 99))]);
    }
  }
  return rows;
}

const KIND_HEADER = ["request", "answers", "p50", "p99"];

function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function rssLine(report: Report): string {
  const { before, after } = report.rss;
  return `daemon RSS: ${(before / MB).toFixed(0)} MB before the load, ${(after / MB).toFixed(0)} MB after it (${after >= before ? "+" : ""}${((after - before) / MB).toFixed(0)} MB)`;
}

const perSecond = (run: LoadRun) => `${count(Math.round(run.result.requests.average))}/s`;

/** What the figures say, from this run's numbers. */
function findings(report: Report): string[] {
  const { reads, writes } = report;
  const { readsAlone, writesAlone, health, bare } = report.baselines;
  const lines: string[] = [];
  const writeTimeouts = writes.result.timeouts;
  if (writeTimeouts > 0 || writes.result.requests.average < writesAlone.result.requests.average / 2) {
    lines.push(
      `**Writes starve while 100 connections read flat out**: ${perSecond(writes)} (p50 ${latency(writes, "p50")}, ` +
        `${writeTimeouts} given up at autocannon's 10 s timeout) against ${perSecond(writesAlone)} ` +
        `(p50 ${latency(writesAlone, "p50")}) with no readers. The node did store ${report.mixedWrites.stored} ` +
        `writes in those ${report.durationS} s (${(report.mixedWrites.stored / report.durationS).toFixed(1)}/s), ` +
        `${report.mixedWrites.acknowledged} answered in the run; the others were answered too late or still queued ` +
        "(a write the client gives up on stays queued in the node while the client sends the next). Writes to a " +
        "family go one at a time through " +
        "OrbitDB's queue, and one write waits on storage (blocks, heads, log, index) about 10-15 times (measured " +
        "separately with a busy event loop); each time it waits, the event loop first serves every read that arrived " +
        "meanwhile. Proposals: admission control that keeps reads from monopolising the loop (a cap on reads in " +
        "flight, 503 with retry-after beyond it), fewer storage round trips per write, and author batches from " +
        "clients (one write, up to 100 records).",
    );
  }
  lines.push(
    `Reads: p99 ${ms(reads.result.latency.p99)} beside the writes, ${ms(readsAlone.result.latency.p99)} alone ` +
      `(${perSecond(reads)} and ${perSecond(readsAlone)}). With 100 connections each waiting for its answer, the mean ` +
      "latency is 100 / throughput (Little's law): 50 ms at the p99 needs well over 2,000 reads/s. The same machine " +
      `gives a bare node:http server answering a fixed body ${perSecond(bare)} at p50 ${ms(bare.result.latency.p50)} ` +
      `and p99 ${ms(bare.result.latency.p99)}, and the daemon's GET /v1/health (every API hook, no storage) ` +
      `${perSecond(health)} at p99 ${ms(health.result.latency.p99)}.`,
  );
  return lines;
}

function notes(report: Report): string[] {
  return [
    `The API's rate limits were set to ${count(report.rateLimit)} requests a minute per IP and per session ` +
      "(STOA_API_RATE_LIMIT_PER_IP, STOA_API_RATE_LIMIT_PER_SESSION), so that the load is measured, not the limiter " +
      "(defaults: 1,200 per IP, 600 per session).",
    `${report.seeded} listings seeded before the run (author batches); readers and writers ran at the same time for ` +
      `${report.durationS} s; each baseline ran alone afterwards for ${report.baselineS} s, with as many connections, ` +
      "once the node's listing count had been steady for 3 s (writes the client gave up on still run in the node).",
    `Writes: ${count(report.presigned)} listings pre-signed by 10 wallets, each with its SIWE session; ` +
      `${report.signedDuringRun} more signed during the run. Each of the ${count(report.stored.acknowledged)} writes ` +
      `answered 201 was read back by id after the run: ${report.stored.missing} missing. The node then held ` +
      `${count(report.stored.listings)} listings (${count(report.stored.seeded)} seeded + ${count(report.stored.acknowledged)} ` +
      "acknowledged + any the client gave up on that the node stored anyway).",
    "autocannon ran in the benchmark's process, on the same 2 cores as the daemon: the client's CPU is part of every figure, " +
      "the baselines' too.",
    `Daemon stopped with SIGINT: ${report.daemonExit}.`,
  ];
}

export function consoleReport(report: Report): string {
  const met = targets(report)
    .map((t) => `  ${t.met ? "met   " : "MISSED"}  ${t.target}: ${t.measured}`)
    .join("\n");
  return [
    textTable(LOAD_HEADER, loadTable(report.rows)),
    "",
    "targets:",
    met,
    "",
    rssLine(report),
    "",
    "latency by kind of request (from autocannon's response events):",
    textTable(KIND_HEADER, kindTable([report.reads, report.writes])),
    "",
    ...findings(report),
    "",
    ...notes(report),
  ].join("\n");
}

export function markdownReport(report: Report): string {
  const targetRows = targets(report).map((t) => [t.target, t.measured, t.met ? "met" : "missed"]);
  return [
    "# API benchmark: one daemon under concurrent reads and writes",
    "",
    `Measured by \`npm run bench:api\` on ${report.when.toISOString().slice(0, 10)} (${report.machine}). One \`stoa daemon\` ` +
      "(temp repo, dev chain, 127.0.0.1) under 100 reading and 10 writing connections (autocannon, pipelining 1), " +
      "at the same time, beside baselines measured in the same run, each alone: the same reads, the same writes, " +
      "the daemon's own `GET /v1/health` (Fastify with every hook of the API, no storage) and a bare `node:http` " +
      "server answering a stored record's JSON (100 connections each, 10 for the writes).",
    "",
    `The machine is shared (2 cores): load average (1, 5, 15 min) ${report.loadAverage.start} at the start, ` +
      `${report.loadAverage.end} at the end.`,
    "Regenerate with `npm run bench:api` (about 2 minutes; `BENCH_DURATION_S=5` for a quick run, printed only unless `--write`).",
    "",
    markdownTable(LOAD_HEADER, loadTable(report.rows)),
    "",
    markdownTable(["target", "measured", "met?"], targetRows),
    "",
    `${rssLine(report)}.`,
    "",
    "Latency by kind of request (autocannon's response times, split by what each request was):",
    "",
    markdownTable(KIND_HEADER, kindTable([report.reads, report.writes])),
    "",
    "Read mix: 40% a listing by id, 20% category + price range, 10% text, 10% text + category, 10% by author, " +
      "10% newest first (20 a page).",
    "",
    "## Findings",
    "",
    ...findings(report).flatMap((f, i) => [`${i + 1}. ${f}`]),
    "",
    "## Notes",
    "",
    ...notes(report).map((n) => `- ${n}`),
    "",
  ].join("\n");
}
