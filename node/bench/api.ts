/**
 * `npm run bench:api`: one `stoa daemon` process (temp repo, dev chain, 127.0.0.1 only) under load
 * from autocannon: 100 connections reading (records by id, filtered, full-text, by author, newest
 * first) and 10 writing distinct pre-signed listings under SIWE sessions, at the same time, for
 * 30 s. Prints req/s, p50/p99 latency and errors for each, the targets (0 errors, read p99 <= 50
 * ms), the daemon's RSS before and after, and two baselines measured in the same run: the daemon's
 * GET /v1/health and a bare node:http server. Writes docs/bench/api.md after a full run.
 *
 *   node node/bench/api.ts [--write]
 *
 * BENCH_DURATION_S (default 30): seconds of the mixed load; shorter runs print only unless --write.
 * BENCH_BASELINE_S (default min(10, duration)): seconds of each baseline.
 * BENCH_SEED_RECORDS (default 600): listings stored before the run.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { signBatch, type BatchItem } from "@stoa/protocol";
import { format, resolveConfig } from "prettier";
import { ApiClient, CATEGORIES, newWallet, type Wallet } from "../test/multi-daemon/api-client.ts";
import { DaemonProcess, initRepo, loopbackSettings, rssBytes } from "../test/multi-daemon/daemon-process.ts";
import { runFixed, runReaders, runWriters, WritePool, type ReadWorkload, type Writer } from "./api-load.ts";
import { consoleReport, markdownReport, type Report } from "./api-report.ts";

const NETWORK = "stoa-bench-api";
const READERS = 100;
const WRITERS = 10;
/** Requests per minute per IP and per session: the limiter must not be what is measured. */
const RATE_LIMIT = 1_000_000_000;
const BATCH = 50;
const MB = 1_048_576;
const WORDS = [
  "bicycle",
  "guitar",
  "lamp",
  "novel",
  "camera",
  "desk",
  "jacket",
  "piano",
  "kettle",
  "atlas",
  "violin",
  "sofa",
];

const envNumber = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, not ${value}`);
  return n;
};
const durationS = envNumber("BENCH_DURATION_S", 30);
const baselineS = envNumber("BENCH_BASELINE_S", Math.min(10, durationS));
const seedRecords = envNumber("BENCH_SEED_RECORDS", 600);
const write = durationS >= 30 || process.argv.includes("--write");
const docPath = fileURLToPath(new URL("../../docs/bench/api.md", import.meta.url));

const started = performance.now();
const say = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

/** Stores `total` listings as author batches of BATCH; returns the workload that reads them. */
async function seed(api: ApiClient, chainId: number, total: number): Promise<ReadWorkload> {
  const ids: string[] = [];
  const authors: Wallet[] = [];
  for (let start = 0; start < total; start += BATCH) {
    const author = newWallet();
    authors.push(author);
    const token = await api.signIn(author, chainId);
    const now = Date.now();
    const items: BatchItem[] = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) {
      const words = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]}`;
      items.push({
        type: "listing",
        v: 1,
        createdAt: now + i - start,
        body: {
          key: `seed-${i}`,
          title: `${words} number ${i}`,
          description: `A ${words} in good order, seeded listing ${i}.`,
          category: CATEGORIES[i % CATEGORIES.length]!,
          price: String(1_000 + ((i * 37) % 1_000)),
          currency: "ETH",
          kind: "physical",
          quantity: 1 + (i % 3),
          images: [],
          status: "active",
        },
      });
    }
    const batch = signBatch(NETWORK, "listings", author.address, items, author.key, { createdAt: now });
    const result = await api.expect<{ records: { id: string }[] }>(201, "POST", "/v1/records/listings", batch, token);
    ids.push(...result.records.map((r) => r.id));
  }
  return { ids, authors: authors.map((a) => a.address), words: WORDS, categories: CATEGORIES };
}

/** How many listings the node holds (GET /v1/node). */
async function listingCount(api: ApiClient): Promise<number> {
  const status = await api.expect<{ families: Record<string, { records: number }> }>(200, "GET", "/v1/node");
  return status.families.listings!.records;
}

/**
 * Waits until the node's listing count has not changed for 3 s: writes the client gave up on
 * (timeouts) are still queued in the node, and would load the next phase.
 */
async function settle(api: ApiClient): Promise<number> {
  const started = performance.now();
  let last = -1;
  let since = performance.now();
  while (performance.now() - started < 120_000) {
    const listings = await listingCount(api);
    if (listings !== last) [last, since] = [listings, performance.now()];
    else if (performance.now() - since >= 3_000) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return performance.now() - started;
}

/** The bare node:http baseline server, answering `body`; stopped by its PID. */
async function startBareServer(body: string): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const script = fileURLToPath(new URL("./bare-server.ts", import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, BARE_BODY: body },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.once("data", (line: string) => resolve((JSON.parse(line) as { port: number }).port));
    void exited.then((code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGINT");
      return exited;
    },
  };
}

const root = mkdtempSync(join(tmpdir(), "stoa-bench-api-"));
let daemon: DaemonProcess | undefined;
let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
try {
  const loadAtStart = load();
  say(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${loadAtStart}`);
  say(`${durationS} s of load, ${baselineS} s per baseline, ${seedRecords} seeded listings; data in ${root}`);
  await initRepo(join(root, "repo"));
  daemon = await DaemonProcess.start({
    repo: join(root, "repo"),
    settings: loopbackSettings({ network: NETWORK, rateLimit: RATE_LIMIT }),
  });
  const url = daemon.summary.api;
  const api = new ApiClient(url);
  const chainId = daemon.summary.chain.chainId;
  say(`daemon ${daemon.pid} serves ${url} (chain ${chainId}); API rate limits raised to ${RATE_LIMIT} a minute`);

  const workload = await seed(api, chainId, seedRecords);
  say(`seeded ${workload.ids.length} listings by ${workload.authors.length} authors`);
  const writers: Writer[] = [];
  for (let i = 0; i < WRITERS; i++) {
    const wallet = newWallet();
    writers.push({ wallet, token: await api.signIn(wallet, chainId) });
  }
  const pool = new WritePool(NETWORK, writers, "loadword");
  pool.fill(Math.ceil((durationS + baselineS) * 40));
  say(`${WRITERS} writers signed in; ${pool.size} listings pre-signed`);

  await runReaders({ url, connections: READERS, durationS: 2, workload });
  const rssBefore = rssBytes(daemon.pid);
  say(
    `warmed up (2 s of reads); daemon RSS ${(rssBefore / MB).toFixed(0)} MB; readers and writers for ${durationS} s...`,
  );
  const acknowledged: string[] = [];
  const [reads, writes] = await Promise.all([
    runReaders({ url, connections: READERS, durationS, workload }),
    runWriters({ url, connections: WRITERS, durationS, pool, acknowledged }),
  ]);
  const rssAfter = rssBytes(daemon.pid);
  say(`mixed load done; daemon RSS ${(rssAfter / MB).toFixed(0)} MB; baselines, ${baselineS} s each...`);

  const acknowledgedInMix = acknowledged.length;
  say(`writes still queued in the node drained in ${((await settle(api)) / 1000).toFixed(1)} s`);
  const storedInMix = (await listingCount(api)) - workload.ids.length;
  const readsAlone = await runReaders({ url, connections: READERS, durationS: baselineS, workload });
  const writesAlone = await runWriters({ url, connections: WRITERS, durationS: baselineS, pool, acknowledged });
  await settle(api);
  const health = await runFixed({ url, connections: READERS, durationS: baselineS, path: "/v1/health" });
  const record = await api.request<unknown>("GET", `/v1/records/listings/${workload.ids[0]}`);
  const recordJson = JSON.stringify(record.body);
  bare = await startBareServer(recordJson);
  const bareRun = await runFixed({ url: bare.url, connections: READERS, durationS: baselineS, path: "/" });
  const bareExit = await bare.stop();
  bare = undefined;

  // Every write answered 201 must be readable; writes the client gave up on may be stored too.
  let missing = 0;
  for (const id of acknowledged) if (!(await api.getListing(id))) missing++;
  const stored = {
    listings: await listingCount(api),
    acknowledged: acknowledged.length,
    missing,
    seeded: workload.ids.length,
  };
  say(
    `${acknowledged.length} writes acknowledged, ${missing} not readable; the node holds ${stored.listings} listings`,
  );
  const daemonExit = await daemon.stop(60_000);
  daemon = undefined;
  if (bareExit !== 0) throw new Error(`the bare server exited with ${bareExit}`);

  const report: Report = {
    when: new Date(),
    machine: `${cpus().length} x ${cpus()[0]?.model.trim() ?? "cpu"}, node ${process.version}`,
    loadAverage: { start: loadAtStart, end: load() },
    durationS,
    baselineS,
    seeded: workload.ids.length,
    rateLimit: RATE_LIMIT,
    rows: [
      { load: "reads (mix), while writes run", connections: READERS, run: reads },
      { load: "writes (single signed listings), while reads run", connections: WRITERS, run: writes },
      { load: "baseline: reads (mix) alone", connections: READERS, run: readsAlone },
      { load: "baseline: writes alone", connections: WRITERS, run: writesAlone },
      { load: "baseline: daemon GET /v1/health alone", connections: READERS, run: health },
      { load: `baseline: bare node:http, ${recordJson.length} B JSON, alone`, connections: READERS, run: bareRun },
    ],
    reads,
    writes,
    baselines: { readsAlone, writesAlone, health, bare: bareRun },
    mixedWrites: { stored: storedInMix, acknowledged: acknowledgedInMix },
    rss: { before: rssBefore, after: rssAfter },
    stored,
    presigned: pool.size,
    signedDuringRun: pool.signedDuringRun,
    daemonExit: daemonExit.code === 0 ? "exit code 0" : `exit ${JSON.stringify(daemonExit)}`,
  };
  console.log(`\n${consoleReport(report)}\n`);
  if (write) {
    mkdirSync(dirname(docPath), { recursive: true });
    // Formatted as `npm run lint` checks it (the repo's Prettier settings).
    const options = await resolveConfig(docPath);
    writeFileSync(docPath, await format(markdownReport(report), { ...options, filepath: docPath }));
    say(`wrote ${docPath}`);
  }
  if (daemonExit.code !== 0) process.exitCode = 1;
} finally {
  await bare?.stop().catch(() => undefined);
  await daemon?.stop(60_000).catch((error: Error) => console.error(error.message));
  rmSync(root, { recursive: true, force: true });
}
