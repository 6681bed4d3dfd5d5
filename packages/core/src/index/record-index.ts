/**
 * The persistent local index of one record family: SQLite (with FTS5) fed by the database's
 * update events, so that a query never scans the OrbitDB log. It survives restarts as a file and
 * answers at once after reopening.
 *
 * @example
 * ```ts
 * import { RecordIndex } from "@stoa/core";
 * import { indexSpecOf } from "./specs.ts";
 * import { createNodeSqliteEngine } from "@stoa/core/node";
 * const index = await RecordIndex.open(await createNodeSqliteEngine("listings.sqlite"), indexSpecOf("listings"));
 * await index.ingest(entryHash, verifiedEnvelope.records);
 * const { items, next } = await index.query({ text: "bicycle", filters: { category: "sports" }, limit: 20 });
 * await index.close();
 * ```
 */
import type { Hex, RecordType, VerifiedRecord } from "@stoa/protocol";
import { NotStartedError, QueryError } from "../errors.ts";
import { CursorCodec, type CursorState } from "./cursor.ts";
import type { SqlEngine, SqlStatement, SqlValue } from "./engine.ts";
import { ingestStatements, settleStatements, type IngestEntry } from "./ingest.ts";
import { prepareSchema, setMeta } from "./migrate.ts";
import { pageSql } from "./page.ts";
import { planPage, type PagePlan } from "./plan.ts";
import { checkQuery, type CheckedQuery, type RecordQuery } from "./query.ts";
import { buildSchema, POLICY_DENIED, POLICY_QUOTA, POLICY_REVOKED, type Schema } from "./schema.ts";
import type { IndexSpec } from "./spec.ts";
import {
  DEFAULT_RANK_LIMITS,
  DEFAULT_VOCABULARY,
  readVocabulary,
  vocabularyFromJson,
  vocabularyToJson,
  type RankLimits,
  type Vocabulary,
  type VocabularyOptions,
} from "./text.ts";

export type { RecordQuery } from "./query.ts";
export type { IngestEntry } from "./ingest.ts";

/** A record as the index holds it: verified, with the OrbitDB entry it came in. */
export interface StoredRecord extends VerifiedRecord {
  /** The OrbitDB entry that carried it (the first one, if it came twice). */
  entryHash: string;
  /** Whether it is the current version of its thing (always true for records without a key). */
  current: boolean;
}

/** An ingestMany of at least this many records is a bulk load, compacted after (see ingestMany). */
const BULK_RECORDS = 5_000;
/** Pages one step of an FTS merge writes (a few milliseconds each; other work runs between steps). */
const MERGE_STEP_PAGES = 200;
/**
 * FTS segments are merged into one in the background: once writes pause for MERGE_IDLE_MS after
 * at least MERGE_MIN_RECORDS new records, and in any case once the index grew by MERGE_GROWTH
 * since the last merge. Every word seek searches every segment: at 100,000 listings written in
 * batches of 100 a seek took 80-200 us, 10 us once merged, and a query of a very common word
 * 2-7 ms against 0.2-0.7 ms. A merge rewrites the whole index, so it waits for a pause in the
 * writes, or for growth by half (merging every 5% of growth tripled the time of a 100,000-record
 * load).
 */
const MERGE_MIN_RECORDS = 1_000;
const MERGE_GROWTH = 0.5;
const MERGE_IDLE_MS = 1_000;

export interface RecordIndexOptions {
  /** When a word counts as very common (tests use small figures). */
  vocabulary?: Partial<VocabularyOptions>;
  /** When bm25 ranks a text query; broader ones come newest first (see text.ts). */
  rankLimits?: Partial<RankLimits>;
}

interface RecordRow {
  rid: number;
  id: string;
  type: string;
  v: number;
  author: string;
  signer: string;
  created_at: number;
  key: string | null;
  envelope_id: string | null;
  idx: number;
  entry_hash: string;
  body: string;
  current: number;
  [sortKey: `k${number}`]: string | number;
}

function storedRecord(row: RecordRow): StoredRecord {
  return {
    id: row.id as Hex,
    type: row.type as RecordType,
    v: row.v,
    author: row.author as Hex,
    createdAt: row.created_at,
    body: JSON.parse(row.body) as unknown,
    signer: row.signer as Hex,
    ...(row.key === null ? {} : { key: row.key }),
    envelopeId: (row.envelope_id ?? row.id) as Hex,
    index: row.idx,
    entryHash: row.entry_hash,
    current: row.current === 1,
  };
}

const RECORD_SELECT = "rid, id, type, v, author, signer, created_at, key, envelope_id, idx, entry_hash, body, current";

export class RecordIndex {
  readonly spec: IndexSpec;
  readonly #engine: SqlEngine;
  readonly #schema: Schema;
  readonly #cursors: CursorCodec;
  readonly #vocabularyOptions: VocabularyOptions;
  readonly #rankLimits: RankLimits;
  #vocabulary: Vocabulary;
  /** Records ingested since the vocabulary snapshot. */
  #sinceVocabulary = 0;
  /** Writes run one at a time, in call order. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Records ingested since the FTS segments were last merged into one. */
  #sinceMerge = 0;
  /** The background merge under way, if any. */
  #merging?: Promise<void>;
  /** The merge that waits for writes to pause. */
  #idleMerge?: ReturnType<typeof setTimeout>;
  #closed = false;

  private constructor(engine: SqlEngine, schema: Schema, cursors: CursorCodec, options: RecordIndexOptions) {
    this.#engine = engine;
    this.#schema = schema;
    this.spec = schema.spec;
    this.#cursors = cursors;
    this.#vocabularyOptions = { ...DEFAULT_VOCABULARY, ...options.vocabulary };
    this.#rankLimits = { ...DEFAULT_RANK_LIMITS, ...options.rankLimits };
    this.#vocabulary = { docs: 0, frequent: new Map() };
  }

  /**
   * Opens the index on `engine` (which it then owns and closes), creating the schema, or
   * rebuilding what derives from `spec` if the spec changed since the file was written.
   */
  static async open(engine: SqlEngine, spec: IndexSpec, options: RecordIndexOptions = {}): Promise<RecordIndex> {
    const schema = buildSchema(spec);
    const meta = await prepareSchema(engine, schema);
    const secret = Uint8Array.from((meta.get("cursor_secret") ?? "").match(/../g) ?? [], (h) => parseInt(h, 16));
    const index = new RecordIndex(engine, schema, new CursorCodec(secret), options);
    if (schema.hasText) {
      const stored = vocabularyFromJson(meta.get("vocabulary") ?? "");
      if (stored) index.#vocabulary = stored;
      else await index.refreshVocabulary();
    }
    return index;
  }

  /** Indexes the records of one OrbitDB entry (one envelope), atomically; again is a no-op. */
  async ingest(entryHash: string, records: VerifiedRecord[]): Promise<void> {
    await this.ingestMany([{ entryHash, records }]);
  }

  /** Indexes many entries in one transaction (catch-up): much cheaper per record than one by one. */
  async ingestMany(entries: IngestEntry[]): Promise<void> {
    this.#requireOpen();
    if (entries.length === 0) return;
    await this.#write(async () => {
      const [row] = await this.#engine.all<{ mark: number }>("SELECT coalesce(max(rid), 0) AS mark FROM records");
      await this.#engine.batch(ingestStatements(this.#schema, entries, row?.mark ?? 0));
      const count = entries.reduce((n, entry) => n + entry.records.length, 0);
      this.#sinceVocabulary += count;
      this.#sinceMerge += count;
      // Compacting costs time in proportion to the whole index: only after a load that grew it by
      // a quarter or more, so that a long catch-up in chunks compacts a bounded number of times.
      if (count >= BULK_RECORDS && count * 4 >= this.#vocabulary.docs + count) await this.#compact();
      const { minDocs } = this.#vocabularyOptions;
      if (this.#schema.hasText && this.#sinceVocabulary >= Math.max(minDocs, this.#vocabulary.docs / 10)) {
        await this.#refreshVocabulary();
      }
    });
    this.#mergeWhenGrown();
  }

  /** Whether the entry was ingested. */
  async hasEntry(entryHash: string): Promise<boolean> {
    this.#requireOpen();
    const rows = await this.#engine.all("SELECT 1 FROM entries WHERE hash = ?", [entryHash]);
    return rows.length > 0;
  }

  /** A record by id, in any version, unless policy hides it (deny list, revoked key, quota). */
  async get(id: string): Promise<StoredRecord | undefined> {
    this.#requireOpen();
    const [row] = await this.#engine.all<RecordRow>(
      `SELECT ${RECORD_SELECT} FROM records WHERE id = ? AND policy = 0`,
      [id],
    );
    return row ? storedRecord(row) : undefined;
  }

  /** One page of records matching `query`; `next` is the cursor of the following page, if any. */
  async query(query: RecordQuery): Promise<{ items: StoredRecord[]; next?: string }> {
    this.#requireOpen();
    const checked = checkQuery(this.#schema, query);
    const state = checked.cursor ? this.#cursors.decode(checked.fingerprint, checked.cursor) : undefined;
    const { sort, text, terms } = await this.#plan(checked, state);
    if (state && state.sort !== sort) throw new QueryError("cursor does not match the query", "cursor", "invalid");
    const page = pageSql(this.#schema, checked, sort, text, state?.after);
    if (state && state.after.length !== page.keyCount) {
      throw new QueryError("cursor does not match the query", "cursor", "invalid");
    }
    const rows = await this.#engine.all<RecordRow>(page.sql, page.params);
    const items = rows.slice(0, checked.limit);
    const last = items[items.length - 1];
    if (rows.length <= checked.limit || !last) return { items: items.map(storedRecord) };
    const next: CursorState = {
      sort,
      ...(terms ? { terms } : {}),
      after: Array.from({ length: page.keyCount }, (_, i) => last[`k${i}`]!),
    };
    return { items: items.map(storedRecord), next: this.#cursors.encode(checked.fingerprint, next) };
  }

  /** The deny list and revocations this index applies (it keeps them across restarts). */
  async policyState(): Promise<{ denied: string[]; revoked: { author: string; delegate: string; since: number }[] }> {
    this.#requireOpen();
    const denied = await this.#engine.all<{ author: string }>("SELECT author FROM denied ORDER BY author");
    const revoked = await this.#engine.all<{ author: string; delegate: string; since: number }>(
      "SELECT author, delegate, since FROM revoked ORDER BY author, delegate",
    );
    return { denied: denied.map((r) => r.author), revoked: revoked.map((r) => ({ ...r, since: Number(r.since) })) };
  }

  /** Hides (or shows again) every record of `author`, at once. */
  async setDenied(author: string, denied: boolean): Promise<void> {
    this.#requireOpen();
    const a = author.toLowerCase();
    await this.#write(() =>
      this.#engine.batch([
        denied
          ? { sql: "INSERT OR IGNORE INTO denied (author) VALUES (?)", params: [a] }
          : { sql: "DELETE FROM denied WHERE author = ?", params: [a] },
        {
          sql: `UPDATE records SET policy = (policy & ~${POLICY_DENIED}) | ? WHERE author = ? AND (policy & ${POLICY_DENIED}) != ?`,
          params: [denied ? POLICY_DENIED : 0, a, denied ? POLICY_DENIED : 0],
        },
      ]),
    );
  }

  /**
   * Hides the records of `author` signed by the app key `delegate` with createdAt after `since`
   * (ms); the version before them becomes current again. The earliest revocation wins.
   */
  async setRevoked(author: string, delegate: string, since: number): Promise<void> {
    this.#requireOpen();
    const [a, d] = [author.toLowerCase(), delegate.toLowerCase()];
    if (a === d) return;
    const statements: SqlStatement[] = [
      {
        sql: `INSERT INTO revoked (author, delegate, since) VALUES (?, ?, ?)
              ON CONFLICT (author, delegate) DO UPDATE SET since = min(since, excluded.since)`,
        params: [a, d, since],
      },
      {
        sql: `UPDATE records SET policy = policy | ${POLICY_REVOKED}
              WHERE author = ?1 AND signer = ?2 AND (policy & ${POLICY_REVOKED}) = 0
                AND created_at > (SELECT since FROM revoked WHERE author = ?1 AND delegate = ?2)`,
        params: [a, d],
      },
    ];
    if (this.spec.quota !== undefined) {
      // Revoked versions no longer hold a place in the author's quota: rank the author's things again.
      statements.push(
        {
          sql: `UPDATE records SET policy = policy & ~${POLICY_QUOTA} WHERE author = ? AND (policy & ${POLICY_QUOTA}) != 0`,
          params: [a],
        },
        { sql: "DELETE FROM things WHERE author = ?", params: [a] },
      );
    }
    statements.push(...settleStatements(this.#schema, { where: "author = ?", params: [a] }));
    await this.#write(() => this.#engine.batch(statements));
  }

  /** Visible current records (withdrawn listings included). */
  async count(): Promise<number> {
    this.#requireOpen();
    const [row] = await this.#engine.all<{ n: number }>(
      "SELECT count(*) AS n FROM records WHERE current = 1 AND policy = 0",
    );
    return row?.n ?? 0;
  }

  /** Records held (all versions), entries ingested, records hidden by policy. */
  async stats(): Promise<{ records: number; entries: number; hidden: number }> {
    this.#requireOpen();
    const [row] = await this.#engine.all<{ records: number; entries: number; hidden: number }>(
      `SELECT (SELECT count(*) FROM records) AS records, (SELECT count(*) FROM entries) AS entries,
              (SELECT count(*) FROM records WHERE policy != 0) AS hidden`,
    );
    return { records: row?.records ?? 0, entries: row?.entries ?? 0, hidden: row?.hidden ?? 0 };
  }

  /** Takes a new snapshot of the very common words (done by itself as the family grows). */
  async refreshVocabulary(): Promise<void> {
    this.#requireOpen();
    if (!this.#schema.hasText) return;
    await this.#write(() => this.#refreshVocabulary());
  }

  /** Waits for pending writes, then closes the engine. A second call does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleMerge);
    await this.#merging;
    await this.#writes;
    await this.#engine.close();
  }

  /** The SQL of `query`'s first page, with its EXPLAIN QUERY PLAN (for tests and diagnostics). */
  async explain(query: RecordQuery): Promise<{ sql: string; params: SqlValue[]; index?: string; plan: string[] }> {
    const checked = checkQuery(this.#schema, query);
    const { sort, text } = await this.#plan(checked, undefined);
    const page = pageSql(this.#schema, checked, sort, text, undefined);
    const rows = await this.#engine.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${page.sql}`, page.params);
    return { sql: page.sql, params: page.params, index: page.index, plan: rows.map((row) => row.detail) };
  }

  /**
   * What `ingestMany` does after one large load, for a load made of many small transactions (a
   * catch-up in chunks): FTS segments merged into one in steps of MERGE_STEP_PAGES pages, each
   * its own write (the event loop runs other work between them), then the planner's statistics
   * and the vocabulary refreshed.
   */
  async compactInSteps(): Promise<void> {
    this.#requireOpen();
    await this.#merging;
    clearTimeout(this.#idleMerge);
    this.#idleMerge = undefined;
    this.#sinceMerge = 0;
    await this.#mergeSegments();
    await this.#write(async () => {
      if (this.#closed) return;
      // Statistics from a sample of each index: a full ANALYZE of 100,000 records held the event loop.
      await this.#engine.exec("PRAGMA analysis_limit = 1000; PRAGMA optimize");
      if (this.#schema.hasText) await this.#refreshVocabulary();
    });
  }

  /**
   * After a bulk load (STACK.md's bulk sync): FTS segments merged into one, so that each query
   * reads one list per word, and the planner's statistics refreshed.
   */
  async #compact(): Promise<void> {
    this.#sinceMerge = 0;
    if (this.#schema.hasText) await this.#engine.exec("INSERT INTO fts (fts) VALUES ('optimize')");
    await this.#engine.exec("PRAGMA optimize");
  }

  /**
   * Starts a background merge of the FTS segments if the index grew by MERGE_GROWTH since the
   * last one, or arms one for when the writes pause.
   */
  #mergeWhenGrown(): void {
    if (this.#merging || this.#closed || !this.#schema.hasText || this.#sinceMerge < MERGE_MIN_RECORDS) return;
    clearTimeout(this.#idleMerge);
    this.#idleMerge = undefined;
    if (this.#sinceMerge >= this.#vocabulary.docs * MERGE_GROWTH) {
      this.#startMerge();
    } else {
      this.#idleMerge = setTimeout(() => {
        this.#idleMerge = undefined;
        if (!this.#merging && !this.#closed) this.#startMerge();
      }, MERGE_IDLE_MS);
    }
  }

  #startMerge(): void {
    this.#sinceMerge = 0;
    // A failed step leaves the segments as they were (each step is its own transaction).
    this.#merging = this.#mergeSegments()
      .catch(() => undefined)
      .finally(() => {
        this.#merging = undefined;
        // Records written meanwhile wait for the next pause.
        this.#mergeWhenGrown();
      });
  }

  /**
   * Merges the FTS segments into one, a step per write, the event loop turning between steps. At
   * most one rewrite of the index as it is at the start: writes that go on meanwhile add
   * segments, and a merge that chased them would never end.
   */
  async #mergeSegments(): Promise<void> {
    if (!this.#schema.hasText) return;
    const [pages] = await this.#engine.all<{ n: number }>("SELECT count(*) AS n FROM fts_data");
    const steps = Math.ceil((pages?.n ?? 0) / MERGE_STEP_PAGES) + 1;
    for (let step = 0; step < steps; step++) {
      const merged = await this.#write(async () => {
        if (this.#closed) return false;
        const [before] = await this.#engine.all<{ n: number }>("SELECT total_changes() AS n");
        await this.#engine.run(`INSERT INTO fts (fts, rank) VALUES ('merge', -${MERGE_STEP_PAGES})`);
        const [after] = await this.#engine.all<{ n: number }>("SELECT total_changes() AS n");
        // The command counts as one change; more means it merged something, and there may be more.
        return (after?.n ?? 0) - (before?.n ?? 0) > 1;
      });
      if (!merged) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  async #refreshVocabulary(): Promise<void> {
    this.#vocabulary = await readVocabulary(this.#engine, this.#vocabularyOptions);
    this.#sinceVocabulary = 0;
    await this.#engine.batch([setMeta("vocabulary", vocabularyToJson(this.#vocabulary))]);
  }

  #plan(checked: CheckedQuery, state: CursorState | undefined): Promise<PagePlan> {
    return planPage({
      engine: this.#engine,
      schema: this.#schema,
      checked,
      state,
      vocabulary: this.#vocabulary,
      options: this.#vocabularyOptions,
      limits: this.#rankLimits,
    });
  }

  #write<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(task, task);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  #requireOpen(): void {
    if (this.#closed) throw new NotStartedError(`the ${this.spec.family} index is closed`);
  }
}
