/**
 * The test page's entry (bundled by engine.test.ts with esbuild): a RecordIndex on the browser
 * engine, driven from Node through `window.stoa`. Records arrive signed and verified from Node.
 */
import { browserSqliteEngineFactory } from "../../src/browser/index.ts";
import type { IngestEntry, RecordQuery } from "../../src/index/record-index.ts";
import { RecordIndex } from "../../src/index/record-index.ts";
import { indexSpecOf } from "../../src/index/specs.ts";

const engines = browserSqliteEngineFactory({
  worker: () => new Worker("/sqlite-worker.js", { type: "module", name: "stoa-sqlite" }),
});
let index: RecordIndex | undefined;

function opened(): RecordIndex {
  if (!index) throw new Error("no index open");
  return index;
}

function errorFields(error: unknown) {
  const e = error as Error & { field?: string; rule?: string; errcode?: number; errstr?: string; code?: string };
  return { name: e.name, message: e.message, field: e.field, rule: e.rule, errcode: e.errcode, errstr: e.errstr };
}

/** Milliseconds `task` took, with its result. */
async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await task();
  return { ms: performance.now() - start, result };
}

const api = {
  async open(): Promise<number> {
    return (
      await timed(async () => {
        index = await RecordIndex.open(await engines("listings"), indexSpecOf("listings"));
      })
    ).ms;
  },
  /** The error of opening the index, if it fails (e.g. while another tab holds it). */
  async openError() {
    return api.open().then(() => undefined, errorFields);
  },
  async ingestMany(entries: IngestEntry[]): Promise<number> {
    return (await timed(() => opened().ingestMany(entries))).ms;
  },
  async ingestEach(entries: IngestEntry[]): Promise<number> {
    return (
      await timed(async () => {
        for (const entry of entries) await opened().ingest(entry.entryHash, entry.records);
      })
    ).ms;
  },
  /** Ids of every page of `query`, following cursors, and the number of pages. */
  async pages(query: RecordQuery, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await opened().query({ ...query, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((r) => r.id));
      cursor = page.next;
      pages++;
    } while (cursor);
    return { ids, pages };
  },
  /** Median milliseconds of `runs` first pages of `query`. */
  async timeQuery(query: RecordQuery, runs: number): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await timed(() => opened().query(query))).ms);
    return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  },
  async setDenied(author: string, denied: boolean): Promise<void> {
    await opened().setDenied(author, denied);
  },
  async state() {
    const i = opened();
    return { stats: await i.stats(), count: await i.count(), policy: await i.policyState() };
  },
  async hasEntry(entryHash: string): Promise<boolean> {
    return opened().hasEntry(entryHash);
  },
  async queryError(query: RecordQuery) {
    try {
      await opened().query(query);
    } catch (error) {
      return errorFields(error);
    }
    return undefined;
  },
  /** What SQLite says to bad SQL on a scratch database, and whether a failed batch left anything. */
  async sqlErrors() {
    const engine = await engines("scratch");
    try {
      await engine.exec("CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY, b TEXT UNIQUE)");
      await engine.run("DELETE FROM t");
      const missing = await engine.all("SELECT * FROM nope").catch(errorFields);
      const failedBatch = await engine
        .batch([
          { sql: "INSERT INTO t (a, b) VALUES (?, ?)", params: [1, "x"] },
          { sql: "INSERT INTO t (a, b) VALUES (?, ?)", params: [2, "x"] },
        ])
        .catch(errorFields);
      const rows = await engine.all("SELECT count(*) AS n FROM t");
      const badName = await engines("../escape").catch(errorFields);
      return { missing, failedBatch, rowsAfterFailedBatch: rows[0]?.n, badName };
    } finally {
      await engine.close();
    }
  },
  async close(): Promise<void> {
    await index?.close();
    index = undefined;
  },
};

export type PageApi = typeof api;
Object.assign(window, { stoa: api });
document.body.dataset.ready = "true";
