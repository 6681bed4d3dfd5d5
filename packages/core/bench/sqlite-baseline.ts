/**
 * The raw index baseline: the schema of the index spike (spikes/index/sqlbench.mjs, its "final"
 * variant without the prefix index) on node:sqlite, filled with the same listings as Stoa's node
 * and asked the same queries. No Stoa code: plain SQL, a few columns per row.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listingBody } from "./corpus.ts";
import type { WorkloadQuery } from "./queries.ts";

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  PRAGMA temp_store = MEMORY;
  PRAGMA cache_size = -16000;
  CREATE TABLE records (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, category TEXT NOT NULL, price INTEGER,
    currency TEXT, created_at INTEGER NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL
  );
  CREATE INDEX rec_cat_created ON records (category, created_at DESC, rid DESC, price);
  CREATE INDEX rec_created ON records (created_at DESC, rid DESC);
  CREATE VIRTUAL TABLE records_fts USING fts5(
    title, description, category, content='records', content_rowid='rid', tokenize='unicode61 remove_diacritics 2'
  );
  INSERT INTO records_fts (records_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 0.0)');
`;
const FILTER = `SELECT id, title, price, currency, created_at FROM records
  WHERE category = ? AND price BETWEEN ? AND ? ORDER BY created_at DESC, rid DESC LIMIT 20`;
const TEXT = `SELECT r.id, r.title, r.price, r.created_at FROM records_fts f JOIN records r ON r.rid = f.rowid
  WHERE records_fts MATCH ? ORDER BY f.rank LIMIT 20`;

const quoted = (word: string) => `"${word.replace(/"/g, '""')}"`;
/** Category and words intersected inside FTS5 (the spike's recommended form). */
const matchOf = (q: WorkloadQuery) =>
  `category : ${quoted(q.category)} AND {title description} : (${q.words!.map(quoted).join(" AND ")})`;

export interface SqliteBaseline {
  records: number;
  loadMs: number;
  /** Shape -> time of each query (ms). */
  shapes: Record<string, number[]>;
}

const { DatabaseSync } = await import("node:sqlite");

/**
 * The listings numbered `numbers` in a fresh SQLite file. Each shape of the workload is then
 * timed with `time`, right beside Stoa's run of the same shape, so that both see the same load
 * on the machine.
 */
export class SqliteListings {
  readonly records: number;
  readonly loadMs: number;
  readonly #dir = mkdtempSync(join(tmpdir(), "stoa-sqlite-baseline-"));
  readonly #db = new DatabaseSync(join(this.#dir, "listings.sqlite"));

  constructor(numbers: readonly number[]) {
    const db = this.#db;
    db.exec(SCHEMA);
    const started = performance.now();
    const insert = db.prepare(
      "INSERT INTO records (id, category, price, currency, created_at, title, description) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    db.exec("BEGIN");
    for (const i of numbers) {
      const b = listingBody(i);
      insert.run(`item-${i}`, b.category, Number(b.price), b.currency, i, b.title, b.description);
    }
    db.exec("COMMIT");
    db.exec("INSERT INTO records_fts (records_fts) VALUES ('rebuild')");
    db.exec("INSERT INTO records_fts (records_fts) VALUES ('optimize')");
    db.exec("ANALYZE");
    this.loadMs = performance.now() - started;
    this.records = numbers.length;
  }

  /** Runs `queries` after 20 of them as warm-up: the time of each (ms). */
  time(queries: readonly WorkloadQuery[]): number[] {
    const filter = this.#db.prepare(FILTER);
    const text = this.#db.prepare(TEXT);
    const run = (q: WorkloadQuery) =>
      q.words ? text.all(matchOf(q)).length : filter.all(q.category, q.price!.min, q.price!.max).length;
    for (const q of queries.slice(0, 20)) run(q);
    return queries.map((q) => {
      const t = performance.now();
      run(q);
      return performance.now() - t;
    });
  }

  close(): void {
    this.#db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
