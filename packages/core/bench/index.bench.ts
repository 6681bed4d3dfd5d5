/**
 * Local index benchmark: 100,000 synthetic listings (Zipf vocabulary of 3,000 words, 30
 * categories, 2,000 sellers, prices over 6 orders of magnitude) ingested in bulk into a real
 * node:sqlite file, then query latencies, reopen time and the first query after reopening,
 * each beside the baseline measured in STACK.md (spikes/index).
 *
 *   node packages/core/bench/index.bench.ts [records]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex, VerifiedRecord } from "@stoa/protocol";
import { RecordIndex, type RecordQuery } from "../src/index/record-index.ts";
import { listingsIndex } from "../src/index/specs.ts";
import { createNodeSqliteEngine } from "../src/node/sqlite.ts";

const RECORDS = Number(process.argv[2] ?? 100_000);
const VOCABULARY = 3_000;
const CATEGORIES = 30;
const SELLERS = 2_000;
const RUNS = 200;

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(42);
const hex = (bytes: number) => {
  let s = "0x";
  for (let i = 0; i < bytes; i++)
    s += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, "0");
  return s as Hex;
};
const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "ba", "de", "fi", "go", "hu"];
const words = Array.from({ length: VOCABULARY }, (_, i) => {
  let w = "";
  for (let n = i + 15; n > 0; n = Math.floor(n / 15)) w += syllables[n % 15];
  return w;
});
// Zipf (s = 1): cumulative weights 1/rank.
const cumulative: number[] = [];
words.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);
const zipfWord = () => {
  const x = random() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return words[lo]!;
};
const phrase = (min: number, max: number) =>
  Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, zipfWord).join(" ");
const categories = Array.from({ length: CATEGORIES }, (_, i) => `category-${i}`);
const sellers = Array.from({ length: SELLERS }, () => hex(20));
const T0 = 1_700_000_000_000;

function listing(i: number): VerifiedRecord {
  const id = hex(32);
  const author = sellers[Math.floor(random() * SELLERS)]!;
  const body = {
    key: `item-${i}`,
    title: phrase(3, 8),
    description: phrase(15, 40),
    category: categories[Math.floor(random() ** 1.5 * CATEGORIES)]!,
    price: String(Math.floor(10 ** (2 + random() * 6))),
    currency: "ETH",
    kind: random() < 0.8 ? "physical" : "digital",
    quantity: 1,
    images: [],
    status: random() < 0.03 ? "withdrawn" : "active",
  };
  const createdAt = T0 + i * 1_000 + Math.floor(random() * 1_000);
  return {
    id,
    type: "listing",
    v: 1,
    author,
    signer: author,
    createdAt,
    body,
    key: body.key,
    envelopeId: id,
    index: 0,
  };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Wall time and this process's CPU time (user + system) per query: on a shared machine the
 * wall-clock p95 also counts other processes' time slices, the CPU time does not.
 */
async function time(name: string, baseline: string, queries: RecordQuery[], index: RecordIndex) {
  for (const q of queries.slice(0, 20)) await index.query(q);
  const wall: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (const q of queries) {
    const c = process.cpuUsage();
    const t = performance.now();
    rows += (await index.query(q)).items.length;
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2).padStart(6);
  console.log(
    `${name.padEnd(38)} wall p50 ${f(percentile(wall, 50))} p95 ${f(percentile(wall, 95))} | cpu p50 ${f(percentile(cpu, 50))} p95 ${f(percentile(cpu, 95))} ms | rows ${(rows / queries.length).toFixed(1).padStart(5)} | baseline ${baseline}`,
  );
  return { wall: percentile(wall, 95), cpu: percentile(cpu, 95) };
}

const dir = mkdtempSync(join(tmpdir(), "stoa-index-bench-"));
const file = join(dir, "listings.sqlite");
try {
  const load = () => loadavg()[0]!.toFixed(1);
  console.log(`generating ${RECORDS} listings (${cpus().length} CPUs, load average ${load()})`);
  const records = Array.from({ length: RECORDS }, (_, i) => listing(i));
  // Entries of 1-16 records, as single records and author batches arrive.
  const entries: { entryHash: string; records: VerifiedRecord[] }[] = [];
  for (let i = 0; i < records.length;) {
    const n = Math.min(records.length - i, 1 + Math.floor(random() * 16));
    entries.push({ entryHash: `zdpu${hex(24).slice(2)}`, records: records.slice(i, i + n) });
    i += n;
  }
  // Catch-up arrives out of order.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }

  let index = await RecordIndex.open(await createNodeSqliteEngine(file), listingsIndex);
  const t0 = performance.now();
  const CHUNK = 10_000;
  for (let i = 0; i < entries.length; i += CHUNK) await index.ingestMany(entries.slice(i, i + CHUNK));
  const bulkMs = performance.now() - t0;
  console.log(
    `bulk ingest ${RECORDS} records in ${entries.length} entries: ${(bulkMs / 1000).toFixed(2)} s, ` +
      `${Math.round(RECORDS / (bulkMs / 1000))} records/s   baseline 15.9 s for 100k (6,300/s)`,
  );
  const tVocabulary = performance.now();
  await index.refreshVocabulary();
  console.log(`vocabulary snapshot (fts5vocab scan): ${(performance.now() - tVocabulary).toFixed(0)} ms`);
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const record = listing(RECORDS + i);
    const t = performance.now();
    await index.ingest(`zdpu-live-${i}`, [record]);
    single.push(performance.now() - t);
  }
  single.sort((a, b) => a - b);
  console.log(
    `live ingest, one record per entry: p50 ${percentile(single, 50).toFixed(2)} ms  p95 ${percentile(single, 95).toFixed(2)} ms`,
  );
  console.log(`file ${(statSync(file).size / 1048576).toFixed(1)} MB (+ WAL), ${JSON.stringify(await index.stats())}`);

  const q = prng(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(q() * list.length)]!;
  // Words bucketed by the share of listings that hold them.
  const docs = new Map<string, number>();
  for (const record of records) {
    const body = record.body as { title: string; description: string };
    for (const word of new Set(`${body.title} ${body.description}`.split(" ")))
      docs.set(word, (docs.get(word) ?? 0) + 1);
  }
  const share = (word: string) => (docs.get(word) ?? 0) / RECORDS;
  const bucket = (min: number, max: number) => words.filter((w) => share(w) >= min && share(w) < max);
  const rare = bucket(0.0005, 0.005);
  const medium = bucket(0.005, 0.05);
  const common = bucket(0.05, 0.3);
  const veryCommon = bucket(0.3, 1.01);
  console.log(
    `words: rare (0.05-0.5%) ${rare.length}, medium (0.5-5%) ${medium.length}, common (5-30%) ${common.length}, very common (>30%) ${veryCommon.length}`,
  );
  const priceRange = () => {
    const lo = Math.floor(10 ** (2 + q() * 5));
    return { gte: String(lo), lte: String(lo * 10) };
  };
  const runs = Array.from({ length: RUNS });
  const results: Record<string, { wall: number; cpu: number }> = {};
  results.filter = await time(
    "category + price, newest first",
    "p95 2.3 ms",
    runs.map(() => ({ filters: { category: pick(categories), price: priceRange() } })),
    index,
  );
  results.textRare = await time(
    "text (rare word) + category",
    "p95 0.4 ms",
    runs.map(() => ({ text: pick(rare), filters: { category: pick(categories) } })),
    index,
  );
  results.textMedium = await time(
    "text (medium word) + category",
    "p95 0.4-2.9 ms",
    runs.map(() => ({ text: pick(medium), filters: { category: pick(categories) } })),
    index,
  );
  results.textTwo = await time(
    "text (two medium words) + category",
    "-",
    runs.map(() => ({ text: `${pick(medium)} ${pick(medium)}`, filters: { category: pick(categories) } })),
    index,
  );
  results.textCommon = await time(
    "text (common word) + category",
    "p95 2.9 ms",
    runs.map(() => ({ text: pick(common), filters: { category: pick(categories) } })),
    index,
  );
  results.textMixed = await time(
    "text (very common + medium) + category",
    "-",
    runs.map(() => ({ text: `${pick(veryCommon)} ${pick(medium)}`, filters: { category: pick(categories) } })),
    index,
  );
  results.textVeryCommon = await time(
    "text (very common word) + category",
    "p95 13 ms",
    runs.map(() => ({ text: pick(veryCommon), filters: { category: pick(categories) } })),
    index,
  );
  results.textGlobal = await time(
    "text (medium word), no filter",
    "-",
    runs.map(() => ({ text: pick(medium) })),
    index,
  );
  results.textNewest = await time(
    "text (common word) + category, newest",
    "-",
    runs.map(() => ({ text: pick(common), sort: "newest", filters: { category: pick(categories) } })),
    index,
  );
  results.author = await time(
    "author feed",
    "-",
    runs.map(() => ({ author: pick(sellers) })),
    index,
  );
  results.priceSort = await time(
    "category, cheapest first",
    "-",
    runs.map(() => ({ filters: { category: pick(categories) }, sort: "price-asc" })),
    index,
  );

  // Keyset pagination: page 50 of a category (the big ones), 20 per page.
  const page50: number[] = [];
  for (const category of categories.slice(0, 10)) {
    let page = await index.query({ filters: { category } });
    for (let n = 2; n <= 50 && page.next; n++) {
      const t = performance.now();
      page = await index.query({ filters: { category }, cursor: page.next });
      if (n === 50) page50.push(performance.now() - t);
    }
  }
  page50.sort((a, b) => a - b);
  console.log(
    `${"keyset page 50 (category)".padEnd(38)} wall p50 ${percentile(page50, 50).toFixed(2).padStart(6)} p95 ${percentile(page50, 95).toFixed(2).padStart(6)} | baseline p95 0.1-0.2 ms`,
  );

  await index.close();
  const tOpen = performance.now();
  index = await RecordIndex.open(await createNodeSqliteEngine(file), listingsIndex);
  const openMs = performance.now() - tOpen;
  const tFirst = performance.now();
  const first = await index.query({ text: pick(medium), filters: { category: pick(categories) } });
  const firstMs = performance.now() - tFirst;
  console.log(
    `reopen ${openMs.toFixed(1)} ms (baseline 0.55 ms), first text query ${firstMs.toFixed(1)} ms, ${first.items.length} rows (baseline 10 ms)`,
  );
  await index.close();

  const targets = ["filter", "textRare", "textMedium", "textTwo", "textCommon", "textMixed", "textVeryCommon"];
  const worst = (k: "wall" | "cpu") => Math.max(...targets.map((t) => results[t]![k]));
  console.log(`load average now ${load()}: wall-clock p95 on a shared machine includes other processes' time`);
  console.log(
    `target: filter + text p95 <= 5 ms over ${RECORDS} records: worst wall p95 ${worst("wall").toFixed(2)} ms, ` +
      `worst cpu p95 ${worst("cpu").toFixed(2)} ms ${worst("cpu") <= 5 ? "(met in CPU time)" : "(missed)"}`,
  );
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(file);
}
