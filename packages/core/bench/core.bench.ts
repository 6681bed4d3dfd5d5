/**
 * `npm run bench:core`: Stoa's figures beside raw baselines measured in the same run, on real
 * processes on 127.0.0.1, printed as a table (figure, Stoa, baseline, ratio, target, met) and
 * written to docs/bench/core.md.
 *
 *   node packages/core/bench/core.bench.ts [--quick] [--write]
 *
 * --quick: smaller counts (about 3 minutes instead of about 9), printed only unless --write.
 * Order: the per-write profile (one process), the raw OrbitDB baselines (two processes), Stoa (two
 * nodes, then one restarted). The raw SQLite FTS5 baseline holds the same listings as Stoa's node
 * and runs each query shape right after Stoa ran it, so that both see the same load.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NodeProcess } from "./ipc.ts";
import { buildWorkload } from "./queries.ts";
import { runRawBaseline } from "./raw-baseline.ts";
import { buildRows, consoleTable, findings, markdown } from "./report.ts";
import { SqliteListings } from "./sqlite-baseline.ts";
import { runStoa } from "./stoa-figures.ts";
import { describeProfile, type WriteProfile } from "./write-profile.ts";

const quick = process.argv.includes("--quick");
const write = !quick || process.argv.includes("--write");
const MiB = 1_048_576;

const log: string[] = [];
const started = performance.now();
const say = (line: string) => {
  const stamped = `[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`;
  log.push(stamped);
  console.log(stamped);
};

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
const root = mkdtempSync(join(tmpdir(), "stoa-bench-core-"));
const loadAtStart = load();
try {
  say(
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${loadAtStart}, ${quick ? "quick" : "full"} run, data in ${root}`,
  );
  const profiler = await NodeProcess.spawn<{
    profile: (a: { quick: boolean }) => Promise<WriteProfile>;
    stop: () => void;
  }>("write-profile", new URL("./write-profile.ts", import.meta.url));
  const profile = await profiler.call("profile", { quick }).finally(() => profiler.stop());
  say("profile: done");

  const raw = await runRawBaseline({
    dir: root,
    queryDocs: quick ? 2_000 : 10_000,
    lateJoinDocs: quick ? 300 : 1_000,
    replicationRuns: quick ? 3 : 5,
    fileBytes: 5 * MiB,
    fileRuns: 3,
    log: say,
  });

  let sqlite: SqliteListings | undefined;
  const stoa = await runStoa(
    {
      dir: root,
      writeSeries: quick ? { 1: 100, 10: 30, 50: 12, 100: 10 } : { 1: 300, 10: 100, 50: 40, 100: 30 },
      lateJoinRecords: quick ? 5_000 : 10_000,
      replicationRuns: quick ? 3 : 5,
      singleRuns: 3,
      fileBytes: 5 * MiB,
      fileRuns: 3,
      queryRecords: quick ? 20_000 : 100_000,
      log: say,
    },
    {
      workloadOf: (numbers) => {
        sqlite = new SqliteListings(numbers);
        say(`raw SQLite FTS5: loaded ${sqlite.records} listings in ${(sqlite.loadMs / 1000).toFixed(1)} s`);
        return buildWorkload(numbers, quick ? 100 : 200);
      },
      beside: (_shape, queries) => sqlite!.time(queries),
    },
  ).finally(() => sqlite?.close());
  const baseline = { records: sqlite!.records, loadMs: sqlite!.loadMs, shapes: stoa.beside };

  const figures = { raw, sqlite: baseline, stoa, profile };
  const rows = buildRows(figures);
  console.log(`\n${consoleTable(rows)}\n\n${describeProfile(profile).join("\n")}\n\n${findings(figures).join("\n")}\n`);
  if (write) {
    const file = fileURLToPath(new URL("../../../docs/bench/core.md", import.meta.url));
    mkdirSync(join(file, ".."), { recursive: true });
    const command = `npm run bench:core${quick ? " -- --quick" : ""}`;
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
    const loads = `load average (1, 5, 15 min) ${loadAtStart} at the start, ${load()} at the end`;
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(file, markdown(rows, figures, { command, date, machine, load: loads, log }));
    say(`wrote ${file}`);
  }
  say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${load()}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
