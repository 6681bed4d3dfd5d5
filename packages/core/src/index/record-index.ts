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
import { IndexVersionError, NotStartedError, QueryError } from "../errors.ts";
import { CursorCodec, type CursorState } from "./cursor.ts";
import type { SqlEngine, SqlStatement, SqlValue } from "./engine.ts";
import { freshScope, ingestStatements, settleStatements, type IngestEntry } from "./ingest.ts";
import { checkQuery, facetConstraints, pageSql, type CheckedQuery, type PageText, type RecordQuery } from "./query.ts";
import {
  BASE_TABLES,
  buildSchema,
  DROP_DERIVED,
  LAYOUT_VERSION,
  POLICY_DENIED,
  POLICY_QUOTA,
  POLICY_REVOKED,
  RECORD_COLUMNS,
  type Schema,
} from "./schema.ts";
import type { IndexSpec } from "./spec.ts";
import {
  DEFAULT_VOCABULARY,
  DEFAULT_RANK_LIMITS,
  matchExpression,
  planText,
  type FacetConstraint,
  type RankLimits,
  readVocabulary,
  vocabularyFromJson,
  vocabularyToJson,
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

async function readMeta(engine: SqlEngine): Promise<Map<string, string>> {
  const rows = await engine.all<{ k: string; v: string }>("SELECT k, v FROM meta");
  return new Map(rows.map((row) => [row.k, row.v]));
}

const setMeta = (k: string, v: string): SqlStatement => ({
  sql: "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
  params: [k, v],
});

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Creates the schema, or rebuilds what derives from the spec when the spec changed. */
async function prepareSchema(engine: SqlEngine, schema: Schema): Promise<Map<string, string>> {
  await engine.exec(BASE_TABLES);
  const meta = await readMeta(engine);
  const layout = meta.get("layout");
  if (layout !== undefined && Number(layout) !== LAYOUT_VERSION) {
    throw new IndexVersionError(
      `the index file has layout ${layout}; this version of Stoa reads layout ${LAYOUT_VERSION}`,
      Number(layout),
      LAYOUT_VERSION,
    );
  }
  const statements: SqlStatement[] = [];
  if (layout === undefined) {
    statements.push({ sql: schema.recordsTable("records") }, ...schema.extras().map((sql) => ({ sql })));
    statements.push(setMeta("layout", String(LAYOUT_VERSION)));
  } else if (meta.get("spec") !== schema.fingerprint) {
    statements.push(...rebuildStatements(schema));
  }
  if (statements.length === 0 && meta.has("cursor_secret")) return meta;
  if (!meta.has("cursor_secret"))
    statements.push(setMeta("cursor_secret", hex(crypto.getRandomValues(new Uint8Array(32)))));
  statements.push(setMeta("spec", schema.fingerprint));
  await engine.batch(statements);
  return readMeta(engine);
}

/**
 * Rebuilds the records table and all that derives from the spec, in SQL from the stored bodies:
 * one transaction, so that a crash leaves the old index or the new one.
 */
function rebuildStatements(schema: Schema): SqlStatement[] {
  const derived = schema.derived("body");
  const columns = ["rid", ...RECORD_COLUMNS];
  return [
    ...DROP_DERIVED.map((sql) => ({ sql })),
    { sql: "DROP TABLE IF EXISTS records_next" },
    { sql: schema.recordsTable("records_next") },
    {
      sql: `INSERT INTO records_next (${[...columns, ...derived.names].join(", ")})
            SELECT ${[...columns, ...derived.values].join(", ")} FROM records ORDER BY rid`,
    },
    { sql: "DROP TABLE records" },
    { sql: "ALTER TABLE records_next RENAME TO records" },
    ...schema.extras().map((sql) => ({ sql })),
    { sql: "UPDATE ingest_state SET mark = 0" },
    {
      sql: `UPDATE records SET policy = (EXISTS (SELECT 1 FROM denied AS d WHERE d.author = records.author))
              | (EXISTS (SELECT 1 FROM revoked AS v WHERE v.author = records.author AND v.delegate = records.signer
                  AND records.signer != records.author AND records.created_at > v.since) * ${POLICY_REVOKED})`,
    },
    ...settleStatements(schema, freshScope(0), 0),
  ];
}

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
      this.#sinceVocabulary += entries.reduce((n, entry) => n + entry.records.length, 0);
      const { minDocs } = this.#vocabularyOptions;
      if (this.#schema.hasText && this.#sinceVocabulary >= Math.max(minDocs, this.#vocabulary.docs / 10)) {
        await this.#refreshVocabulary();
      }
    });
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
   * The sort a page uses and how it searches text (see text.ts): relevance falls back to newest
   * first for queries too broad to rank cheaply. A cursor keeps the first page's words and sort.
   */
  async #plan(
    checked: CheckedQuery,
    state: CursorState | undefined,
  ): Promise<{ sort: string; text?: PageText; terms?: string[] }> {
    if (!checked.words) return { sort: checked.sort };
    const facets = facetConstraints(this.#schema, checked);
    const plan = await planText({
      words: checked.words,
      rare: state?.terms,
      facets,
      vocabulary: this.#vocabulary,
      options: this.#vocabularyOptions,
      limits: this.#rankLimits,
      matchesAtMost: (terms, facetList, cap) => this.#matchesAtMost(terms, facetList, cap),
    });
    const { rare, common, rank } = plan;
    const sort = state?.sort ?? (checked.sort === "relevance" && !rank ? "newest" : checked.sort);
    if (sort === "relevance") {
      if (rare.length === 0) throw new QueryError("cursor does not match the query", "cursor", "invalid");
      const facetsInMatch = rank?.facetsInMatch ?? facets.length > 0;
      return { sort, text: { mode: "rank", match: rare, check: common, facetsInMatch }, terms: rare };
    }
    const text: PageText = rank
      ? { mode: "match-then-sort", match: rare, check: common, facetsInMatch: rank.facetsInMatch }
      : { mode: "walk", match: rare, check: common, facetsInMatch: rare.length > 0 && facets.length > 0 };
    return { sort, text, terms: rare };
  }

  /** Whether FTS matches at most `cap` records for `terms` and `facets`: a count that stops early. */
  async #matchesAtMost(terms: readonly string[], facets: readonly FacetConstraint[], cap: number): Promise<boolean> {
    const [row] = await this.#engine.all<{ n: number }>(
      "SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)",
      [matchExpression(this.#schema.textColumns, terms, facets), cap + 1],
    );
    return (row?.n ?? 0) <= cap;
  }

  async #refreshVocabulary(): Promise<void> {
    this.#vocabulary = await readVocabulary(this.#engine, this.#vocabularyOptions);
    this.#sinceVocabulary = 0;
    await this.#engine.batch([setMeta("vocabulary", vocabularyToJson(this.#vocabulary))]);
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
