/**
 * The browser engine in real Chromium: a RecordIndex on sqlite-wasm (opfs-sahpool, in its worker)
 * ingests the same signed records as one on node:sqlite, and must answer every query with the
 * same ids in the same order, hide a denied author, give the same typed errors, and keep its data
 * across a page reload. Chromium comes from Debian (/usr/bin/chromium, installed by .ci/run).
 */
import { expect } from "chai";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { IngestEntry, RecordIndex, RecordQuery } from "../../src/index/record-index.ts";
import { indexSpecOf } from "../../src/index/specs.ts";
import { createNodeSqliteEngine } from "../../src/node/sqlite.ts";
import { IndexFiles, rejection } from "../index/fixtures.ts";
import type { PageApi } from "./page.ts";
import { BAD_QUERIES, QUERIES, SELLERS, signedListings, TIMED_QUERIES } from "./records.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};
const PAGE_LIMIT = 20;
const TIMING_RUNS = 15;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles the page and the worker into `dir`, with sqlite-wasm's wasm beside the worker. */
async function buildPage(dir: string): Promise<void> {
  await build({
    entryPoints: { page: here("./page.ts"), "sqlite-worker": here("../../src/browser/sqlite-worker.ts") },
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    logLevel: "warning",
  });
  const wasm = fileURLToPath(import.meta.resolve("@sqlite.org/sqlite-wasm/sqlite3.wasm"));
  copyFileSync(wasm, join(dir, "sqlite3.wasm"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><title>stoa index</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
  );
}

/** Serves `dir` on 127.0.0.1, on a port the system picks. */
async function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const file = join(dir, path === "/" ? "index.html" : path.slice(1));
    const type = MIME[extname(file)];
    if (!type || !file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Calls `window.stoa[name](...args)` in the page. */
function call<K extends keyof PageApi>(
  page: Page,
  name: K,
  ...args: Parameters<PageApi[K]>
): Promise<Awaited<ReturnType<PageApi[K]>>> {
  return page.evaluate(
    ([name, args]) => {
      const api = (window as unknown as { stoa: Record<string, (...a: unknown[]) => unknown> }).stoa;
      return api[name]!(...args) as Awaited<ReturnType<PageApi[K]>>;
    },
    [name, args] as [string, unknown[]],
  );
}

async function nodePages(index: RecordIndex, query: RecordQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await index.query({ ...query, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((r) => r.id));
    cursor = page.next;
    pages++;
  } while (cursor);
  return { ids, pages };
}

async function nodeTime(index: RecordIndex, query: RecordQuery): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TIMING_RUNS; i++) {
    const start = performance.now();
    await index.query(query);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(TIMING_RUNS / 2)]!;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

describe("browser engine: sqlite-wasm (opfs-sahpool) in real Chromium, against node:sqlite", function () {
  this.timeout(60_000);
  const records = signedListings();
  let buildDir: string;
  let profileDir: string;
  let server: Server | undefined;
  let base: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let files: IndexFiles;
  let nodeIndex: RecordIndex;
  const pageErrors: string[] = [];
  const figures: [string, string, string][] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) to run the browser engine tests`,
      );
    }
    buildDir = mkdtempSync(join(tmpdir(), "stoa-browser-build-"));
    profileDir = mkdtempSync(join(tmpdir(), "stoa-chromium-profile-"));
    await buildPage(buildDir);
    ({ server, base } = await serve(buildDir));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(base);
    await page.waitForSelector("body[data-ready=true]", { state: "attached" });
    files = new IndexFiles();
    nodeIndex = await files.open(indexSpecOf("listings"));
  });

  after(async function () {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await files?.cleanup();
    for (const dir of [buildDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    if (figures.length > 0) {
      console.log("      figures (Chromium sqlite-wasm opfs-sahpool | Node node:sqlite):");
      for (const [what, browser, node] of figures)
        console.log(`        ${what.padEnd(34)} ${browser.padStart(10)} | ${node}`);
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && pageErrors.length > 0) {
      console.log(`      page errors:\n        ${pageErrors.join("\n        ")}`);
    }
  });

  const ingestNode = async (entries: IngestEntry[], each: boolean) => {
    const start = performance.now();
    if (each) for (const entry of entries) await nodeIndex.ingest(entry.entryHash, entry.records);
    else await nodeIndex.ingestMany(entries);
    return performance.now() - start;
  };

  it("opens an index in the worker and ingests 1,000 signed records, then 50 one entry at a time", async function () {
    figures.push(["open (worker + wasm + schema)", ms(await call(page, "open")), "-"]);
    const bulkBrowser = await call(page, "ingestMany", records.bulk);
    const bulkNode = await ingestNode(records.bulk, false);
    figures.push(["ingestMany 1,000 records", ms(bulkBrowser), ms(bulkNode)]);
    const eachBrowser = await call(page, "ingestEach", records.single);
    const eachNode = await ingestNode(records.single, true);
    figures.push(["ingest 50 entries one by one", ms(eachBrowser), ms(eachNode)]);
    const state = await call(page, "state");
    expect(state.stats).to.deep.equal({ records: 1050, entries: 254, hidden: 0 });
    expect(state.stats).to.deep.equal(await nodeIndex.stats());
    expect(state.count).to.equal(await nodeIndex.count());
  });

  it("answers filters, bm25 text and every keyset page with the same ids, in the same order", async function () {
    for (const [what, query] of QUERIES) {
      const browser = await call(page, "pages", query, PAGE_LIMIT);
      const node = await nodePages(nodeIndex, query);
      expect(node.ids.length, what).to.be.greaterThan(0);
      expect(browser, what).to.deep.equal(node);
    }
    expect((await call(page, "pages", {}, PAGE_LIMIT)).pages).to.be.greaterThan(50);
    for (const [what, query] of TIMED_QUERIES) {
      const browser = await call(page, "timeQuery", query, TIMING_RUNS);
      figures.push([`query: ${what}`, ms(browser), ms(await nodeTime(nodeIndex, query))]);
    }
  });

  it("rejects bad queries with the same typed QueryError, field and rule as in Node", async function () {
    for (const query of BAD_QUERIES) {
      const node = await rejection(nodeIndex.query(query));
      const browser = await call(page, "queryError", query);
      expect(browser, JSON.stringify(query)).to.include({ name: "QueryError", field: node.field, rule: node.rule });
      expect(browser?.message).to.equal(node.message);
    }
  });

  it("carries SQLite's errors back as SqliteError with node:sqlite's message and codes; a failed batch writes nothing", async function () {
    const browser = await call(page, "sqlErrors");
    const engine = await createNodeSqliteEngine(files.path("scratch"));
    try {
      await engine.exec("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE)");
      // Both engines reject (never throw) on bad SQL.
      const missing = await rejection(engine.all("SELECT * FROM nope"));
      const failedBatch = await rejection(
        engine.batch([
          { sql: "INSERT INTO t (a, b) VALUES (?, ?)", params: [1, "x"] },
          { sql: "INSERT INTO t (a, b) VALUES (?, ?)", params: [2, "x"] },
        ]),
      );
      for (const [got, want] of [
        [browser.missing, missing],
        [browser.failedBatch, failedBatch],
      ] as const) {
        const { errcode, errstr } = want as Error & { errcode: number; errstr: string };
        expect(got).to.include({ name: "SqliteError", message: want.message, errcode, errstr });
      }
      expect(browser.failedBatch).to.include({ errcode: 2067, message: "UNIQUE constraint failed: t.b" });
      expect(browser.rowsAfterFailedBatch).to.equal(0);
      expect(browser.badName).to.include({ name: "RangeError" });
    } finally {
      await engine.close();
    }
  });

  it("hides every record of a denied author at once, as node:sqlite does", async function () {
    const denied = SELLERS[1]!.address;
    await call(page, "setDenied", denied, true);
    await nodeIndex.setDenied(denied, true);
    const state = await call(page, "state");
    expect(state.stats).to.deep.equal(await nodeIndex.stats());
    expect(state.stats.hidden).to.equal(200);
    expect(state.policy.denied).to.deep.equal([denied.toLowerCase()]);
    for (const [what, query] of QUERIES) {
      const browser = await call(page, "pages", query, PAGE_LIMIT);
      expect(browser, what).to.deep.equal(await nodePages(nodeIndex, query));
    }
    const bySeller = await call(page, "pages", { filters: { seller: denied } }, PAGE_LIMIT);
    expect(bySeller.ids).to.deep.equal([]);
  });

  it("keeps the index across a page reload: it reopens from OPFS and answers without ingesting again", async function () {
    const before = await call(page, "state");
    await page.reload();
    await page.waitForSelector("body[data-ready=true]", { state: "attached" });
    const reopen = await call(page, "open");
    const after = await call(page, "state");
    expect(after).to.deep.equal(before);
    expect(await call(page, "hasEntry", records.bulk[0]!.entryHash)).to.equal(true);
    for (const [what, query] of QUERIES) {
      const browser = await call(page, "pages", query, PAGE_LIMIT);
      expect(browser, what).to.deep.equal(await nodePages(nodeIndex, query));
    }
    figures.push(["reopen after reload", ms(reopen), "-"]);
    // One worker per origin holds the pool: a second tab waits a moment, then gets SQLITE_BUSY.
    const second = await context!.newPage();
    try {
      await second.goto(base);
      await second.waitForSelector("body[data-ready=true]", { state: "attached" });
      expect(await call(second, "openError")).to.include({
        name: "SqliteError",
        errcode: 5,
        errstr: "database is locked",
      });
    } finally {
      await second.close();
    }
    // Closing the last index stops the worker; opening again starts a new one on the same files.
    await call(page, "close");
    await call(page, "open");
    expect((await call(page, "state")).stats).to.deep.equal(before.stats);
    await call(page, "close");
    expect(pageErrors).to.deep.equal([]);
  });
});
