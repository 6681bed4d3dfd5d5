/**
 * The SQL schema of a family's index, derived from its spec. Same SQL on node:sqlite and
 * sqlite-wasm.
 *
 * - `records`: every record ever ingested (all versions), its body as canonical JSON, the spec's
 *   typed columns, and three flags: `current` (the latest version of its thing, revoked versions
 *   set aside), `policy` (bits: 1 denied author, 2 revoked app key, 4 over quota; visible iff 0)
 *   and `listed` (0 for e.g. withdrawn listings). `rid` is a local rowid; `ord` is a tie-breaker
 *   taken from the id, so that order never depends on arrival order.
 * - covering indexes over visible current records only (partial), one per query shape; the
 *   author index covers every version (history).
 * - `fts`: contentless FTS5 (text is stored once, in the body) holding exactly the visible current
 *   records, with facet columns; kept in step by triggers on `current`/`policy`, except for the
 *   rows of the ingest in progress (`rid` above `ingest_state.mark`), added in one statement at its
 *   end (the bulk trick).
 * - `entries`, `denied`, `revoked`, `things` (quota bookkeeping) and `meta`.
 */
import { checkSpec, columnSql, extractSql, sqlLiteral, storedColumns, type IndexSpec } from "./spec.ts";

/** Version of the layout above; a file written by a later layout is refused. */
export const LAYOUT_VERSION = 1;

/** `ingest_state.mark` outside an ingest: every row is an old row (triggers keep FTS in step). */
export const NO_MARK = Number.MAX_SAFE_INTEGER;

/** The visible-current condition every partial index carries (queries repeat it literally). */
export const VISIBLE_CURRENT = "current = 1 AND policy = 0";

export const POLICY_DENIED = 1;
export const POLICY_REVOKED = 2;
export const POLICY_QUOTA = 4;

/** An index a query may name (INDEXED BY): its SQL columns in order, and whether it is partial. */
export interface IndexShape {
  name: string;
  columns: readonly string[];
  /** Only visible current records (the query must say `current = 1 AND policy = 0`). */
  partial: boolean;
}

export interface Schema {
  spec: IndexSpec;
  /** Changes whenever the spec or the layout does: a different one triggers a rebuild. */
  fingerprint: string;
  /** Shapes a query may choose from. */
  shapes: IndexShape[];
  /** Whether the family has text search (and so an `fts` table). */
  hasText: boolean;
  /** FTS column names: text fields, then facets. */
  textColumns: string[];
  /** FTS column of each facet, by spec column name. */
  facetColumns: Map<string, string>;
  /** CREATE TABLE of the records table, under `name`. */
  recordsTable(name: string): string;
  /** CREATE statements of what hangs on `records`: indexes, fts, triggers, things. */
  extras(): string[];
  /** The FTS row of record alias `row`: `rowid, t_..., f_...` values. */
  ftsValues(row: string): string;
  /** Expressions computing spec columns and `listed` from a JSON body expression. */
  derived(body: string): { names: string[]; values: string[] };
}

/** Tables every layout has; they survive rebuilds. */
export const BASE_TABLES = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (hash TEXT PRIMARY KEY, records INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS denied (author TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revoked (
  author TEXT NOT NULL, delegate TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (author, delegate)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_state (only INTEGER PRIMARY KEY CHECK (only = 1), mark INTEGER NOT NULL);
INSERT OR IGNORE INTO ingest_state VALUES (1, ${NO_MARK});
`;

/** Record columns in the order `insert` binds them (?1..?12). */
export const RECORD_COLUMNS = [
  "id",
  "type",
  "v",
  "author",
  "signer",
  "created_at",
  "ord",
  "key",
  "envelope_id",
  "idx",
  "entry_hash",
  "body",
] as const;

export function buildSchema(spec: IndexSpec): Schema {
  checkSpec(spec);
  const stored = storedColumns(spec);
  const hasText = Object.keys(spec.text ?? {}).length > 0;
  const textColumns = Object.keys(spec.text ?? {}).map((name) => `t_${name}`);
  const facetColumns = new Map((spec.facets ?? []).map((name) => [name, `f_${name}`]));
  const col = (name: string) => (name === "type" ? "type" : columnSql(spec, name));

  const shapes: IndexShape[] = [
    { name: "records_feed", columns: ["created_at", "ord", "rid"], partial: true },
    { name: "records_author", columns: ["author", "created_at", "ord", "rid"], partial: false },
    ...spec.indexes.map((shape) => ({
      name: `records_by_${shape.on.join("_")}`,
      columns: [...shape.on.map(col), "created_at", "ord", "rid"],
      partial: true,
    })),
  ];
  const trailing = new Map<string, string[]>([
    ["records_feed", spec.unlisted ? ["listed"] : []],
    ["records_author", ["current", "policy", ...(spec.unlisted ? ["listed"] : [])]],
    ...spec.indexes.map((shape): [string, string[]] => [
      `records_by_${shape.on.join("_")}`,
      [...(spec.unlisted ? ["listed"] : []), ...(shape.include ?? []).map(col)],
    ]),
  ]);

  const derived = (body: string) => {
    const names = stored.map(([name]) => `c_${name}`);
    const values = stored.map(([, column]) => extractSql(column, body));
    if (spec.unlisted) {
      const source = spec.columns[spec.unlisted.column]!;
      const value = source.from.startsWith("$.") ? extractSql(source, body) : columnSql(spec, spec.unlisted.column);
      names.push("listed");
      values.push(`coalesce(${value}, '') NOT IN (${spec.unlisted.values.map(sqlLiteral).join(", ")})`);
    }
    return { names, values };
  };

  const ftsValues = (row: string) => {
    const text = Object.values(spec.text ?? {}).map(
      (f) => `coalesce(json_extract(${row}.body, ${sqlLiteral(f.from)}), '')`,
    );
    const facets = [...facetColumns.keys()].map((name) => `coalesce(hex(${row}.${columnSql(spec, name)}), '')`);
    return [`${row}.rid`, ...text, ...facets].join(", ");
  };
  const ftsColumns = [...textColumns, ...facetColumns.values()].join(", ");

  const sqlType = { text: "TEXT", integer: "INTEGER", uint256: "TEXT" } as const;
  // Small columns first, the body last: reading a flag or a typed column never walks the body's
  // overflow pages.
  const recordsTable = (name: string) =>
    `CREATE TABLE ${name} (
        rid INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        current INTEGER NOT NULL DEFAULT 0,
        policy INTEGER NOT NULL DEFAULT 0,
        listed INTEGER NOT NULL DEFAULT 1,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        idx INTEGER NOT NULL,${stored.map(([name, c]) => `\n        c_${name} ${sqlType[c.type]},`).join("")}
        author TEXT NOT NULL,
        signer TEXT NOT NULL,
        key TEXT,
        id TEXT NOT NULL UNIQUE,
        envelope_id TEXT,
        entry_hash TEXT NOT NULL,
        body TEXT NOT NULL
      )`;

  const extras = () => {
    const statements = [
      `CREATE INDEX records_versions ON records (author, type, key, created_at, ord, id) WHERE key IS NOT NULL`,
    ];
    for (const shape of shapes) {
      const columns = [...shape.columns, ...(trailing.get(shape.name) ?? [])];
      const where = shape.partial ? ` WHERE ${VISIBLE_CURRENT}` : "";
      statements.push(`CREATE INDEX ${shape.name} ON records (${[...new Set(columns)].join(", ")})${where}`);
    }
    if (hasText) {
      const weights = [
        ...Object.values(spec.text ?? {}).map((f) => f.weight.toFixed(1)),
        ...[...facetColumns].map(() => "0.0"),
      ];
      statements.push(
        `CREATE VIRTUAL TABLE fts USING fts5(${ftsColumns}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
        `INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(${weights.join(", ")})')`,
        `CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'row')`,
        `CREATE TRIGGER records_fts_show AFTER UPDATE OF current, policy ON records
         WHEN new.current = 1 AND new.policy = 0 AND NOT (old.current = 1 AND old.policy = 0)
           AND new.rid <= (SELECT mark FROM ingest_state)
         BEGIN
           INSERT OR REPLACE INTO fts (rowid, ${ftsColumns}) VALUES (${ftsValues("new")});
         END`,
        `CREATE TRIGGER records_fts_hide AFTER UPDATE OF current, policy ON records
         WHEN old.current = 1 AND old.policy = 0 AND NOT (new.current = 1 AND new.policy = 0)
           AND new.rid <= (SELECT mark FROM ingest_state)
         BEGIN
           DELETE FROM fts WHERE rowid = old.rid;
         END`,
      );
    }
    if (spec.quota !== undefined) {
      statements.push(
        // One row per thing (author, type, key or id): `first` orders things by their first version.
        `CREATE TABLE things (
          author TEXT NOT NULL, type TEXT NOT NULL, k TEXT NOT NULL, first TEXT NOT NULL,
          over INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (author, type, k)
        ) WITHOUT ROWID`,
        `CREATE INDEX things_order ON things (author, first)`,
        `CREATE TRIGGER things_quota AFTER UPDATE OF over ON things
         BEGIN
           UPDATE records SET policy = (policy & ~${POLICY_QUOTA}) | (new.over * ${POLICY_QUOTA})
           WHERE (author = new.author AND type = new.type AND key = new.k) OR id = new.k;
         END`,
      );
    }
    return statements;
  };

  return {
    spec,
    fingerprint: JSON.stringify({ layout: LAYOUT_VERSION, spec }),
    shapes,
    hasText,
    textColumns,
    facetColumns,
    recordsTable,
    extras,
    ftsValues,
    derived,
  };
}

/** Everything `extras` made besides indexes, to drop before a rebuild (base tables stay). */
export const DROP_DERIVED = [
  "DROP TRIGGER IF EXISTS records_fts_show",
  "DROP TRIGGER IF EXISTS records_fts_hide",
  "DROP TRIGGER IF EXISTS things_quota",
  "DROP TABLE IF EXISTS fts_vocab",
  "DROP TABLE IF EXISTS fts",
  "DROP TABLE IF EXISTS things",
];
