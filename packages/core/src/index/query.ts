/**
 * Queries: validation of a `RecordQuery` against the family's spec (every mistake is a
 * QueryError naming the field and the rule), then the SQL of one keyset page. The builder names
 * the covering index of each shape itself (INDEXED BY): the planner was measured picking a
 * worse one.
 */
import { FAMILIES } from "@stoa/protocol";
import { QueryError } from "../errors.ts";
import type { SqlValue } from "./engine.ts";
import type { IndexShape, Schema } from "./schema.ts";
import { columnSql, uint256Key, type ColumnSpec } from "./spec.ts";
import { MAX_TEXT_LENGTH, matchExpression, tokenize } from "./text.ts";

export type FilterValue = string | number | { gte?: string | number; lte?: string | number } | (string | number)[];

export interface RecordQuery {
  /** By the names of the family's spec; unknown name or wrong shape: QueryError("filters.<name>"). */
  filters?: Record<string, FilterValue>;
  /** The author's address (any case). */
  author?: string;
  /** A record type of the family. */
  type?: string;
  /** Words to find (families with text only), ranked by bm25 unless another sort is asked. */
  text?: string;
  /** A sort of the spec, or "relevance" (the default with `text`). */
  sort?: string;
  /** 1..100, default 20. */
  limit?: number;
  /** `next` of the previous page of the same query. */
  cursor?: string;
  /** Superseded versions too (not with `text`: FTS holds current records only). */
  history?: boolean;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Most values of an `in` filter. */
export const MAX_IN_VALUES = 50;

interface Filter {
  name: string;
  column: string;
  op: "eq" | "in" | "range";
  /** eq: [v]; in: [v...]; range: [gte | null, lte | null]. */
  values: (string | number | null)[];
}

/** A validated query. */
export interface CheckedQuery {
  filters: Filter[];
  author?: string;
  type?: string;
  /** Words of `text`, as the tokenizer sees them. */
  words?: string[];
  sort: string;
  limit: number;
  cursor?: string;
  history: boolean;
  /** Identifies the query (not its page): cursors are bound to it. */
  fingerprint: string;
}

const QUERY_KEYS = new Set(["filters", "author", "type", "text", "sort", "limit", "cursor", "history"]);

function fail(field: string, rule: string, message: string): never {
  throw new QueryError(message, field, rule);
}

function checkScalar(field: string, column: ColumnSpec, value: unknown): string | number {
  if (column.type === "integer") {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) fail(field, "type", `${field} must be an integer`);
    return value;
  }
  if (column.type === "uint256") {
    const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
    if (typeof text !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(text)) {
      fail(field, "type", `${field} must be a non-negative integer as a decimal string`);
    }
    return uint256Key(text);
  }
  if (typeof value !== "string" || value.length > 256) fail(field, "type", `${field} must be a string (at most 256)`);
  return value;
}

function checkFilter(schema: Schema, name: string, value: unknown): Filter {
  const field = `filters.${name}`;
  const column = Object.hasOwn(schema.spec.columns, name) ? schema.spec.columns[name] : undefined;
  if (!column) fail(field, "unknown", `the ${schema.spec.family} index has no filter "${name}"`);
  const sql = columnSql(schema.spec, name);
  const allow = (op: Filter["op"]) => {
    if (!column.filters.includes(op))
      fail(field, "operator", `${field} does not take ${op} (only ${column.filters.join(", ")})`);
  };
  if (Array.isArray(value)) {
    allow("in");
    if (value.length < 1 || value.length > MAX_IN_VALUES)
      fail(field, "range", `${field} takes 1-${MAX_IN_VALUES} values`);
    return { name, column: sql, op: "in", values: value.map((v, i) => checkScalar(`${field}.${i}`, column, v)) };
  }
  if (typeof value === "object" && value !== null) {
    allow("range");
    const bounds = value as Record<string, unknown>;
    const keys = Object.keys(bounds);
    if (keys.length === 0 || keys.some((k) => k !== "gte" && k !== "lte")) {
      fail(field, "shape", `${field} must be { gte?, lte? } with at least one bound`);
    }
    const bound = (k: "gte" | "lte") =>
      bounds[k] === undefined ? null : checkScalar(`${field}.${k}`, column, bounds[k]);
    return { name, column: sql, op: "range", values: [bound("gte"), bound("lte")] };
  }
  if (typeof value === "string" || typeof value === "number") {
    allow("eq");
    return { name, column: sql, op: "eq", values: [checkScalar(field, column, value)] };
  }
  fail(field, "shape", `${field} must be a value, a list of values or { gte?, lte? }`);
}

/** Validates `query` for the family of `schema`. */
export function checkQuery(schema: Schema, query: RecordQuery): CheckedQuery {
  if (typeof query !== "object" || query === null) fail("query", "shape", "the query must be an object");
  for (const key of Object.keys(query)) if (!QUERY_KEYS.has(key)) fail(key, "unknown", `unknown query field "${key}"`);
  const { spec } = schema;

  if (query.filters !== undefined && (typeof query.filters !== "object" || query.filters === null)) {
    fail("filters", "shape", "filters must be an object");
  }
  const filters = Object.entries(query.filters ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => checkFilter(schema, name, value))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  let author: string | undefined;
  if (query.author !== undefined) {
    if (typeof query.author !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(query.author)) {
      fail("author", "address", "author must be a 0x address");
    }
    author = query.author.toLowerCase();
  }
  if (query.type !== undefined && !(FAMILIES[spec.family].types as readonly unknown[]).includes(query.type)) {
    fail("type", "unknown", `${spec.family} holds ${FAMILIES[spec.family].types.join(", ")}`);
  }

  let words: string[] | undefined;
  if (query.text !== undefined) {
    if (!schema.hasText) fail("text", "unsupported", `${spec.family} has no text search`);
    if (typeof query.text !== "string") fail("text", "type", "text must be a string");
    if (query.text.length > MAX_TEXT_LENGTH) fail("text", "length", `text is longer than ${MAX_TEXT_LENGTH}`);
    words = tokenize(query.text);
    if (words.length === 0) fail("text", "empty", "text has no words to search");
  }

  const sort = query.sort ?? (words ? "relevance" : spec.defaultSort);
  if (typeof sort !== "string") fail("sort", "type", "sort must be a string");
  if (sort === "relevance") {
    if (!words) fail("sort", "needs-text", `"relevance" needs text`);
  } else if (!Object.hasOwn(spec.sorts, sort)) {
    fail(
      "sort",
      "unknown",
      `sorts: ${[...Object.keys(spec.sorts), ...(schema.hasText ? ["relevance"] : [])].join(", ")}`,
    );
  }

  const limit = query.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    fail("limit", "range", `limit must be an integer in 1..${MAX_LIMIT}`);
  }
  if (query.cursor !== undefined && (typeof query.cursor !== "string" || query.cursor.length > 4096)) {
    fail("cursor", "invalid", "cursor must be the string a previous page returned");
  }
  const history = query.history ?? false;
  if (typeof history !== "boolean") fail("history", "type", "history must be a boolean");
  if (history && words) fail("history", "text", "text search covers current records only");

  const type = query.type;
  const fingerprint = JSON.stringify([
    spec.family,
    filters,
    author ?? null,
    type ?? null,
    words ?? null,
    sort,
    history,
  ]);
  return { filters, author, type, words, sort, limit, cursor: query.cursor, history, fingerprint };
}

/** One sort key of a page: its SQL, and direction. */
interface SortKey {
  sql: string;
  direction: "asc" | "desc";
}

/** How a page with text finds its rows. */
export type TextMode =
  /** FTS drives, bm25 orders (relevance). */
  | "rank"
  /** FTS drives, its matches are sorted by the sort's keys. */
  | "match-then-sort"
  /** The sort's index drives, each row is checked against FTS (too many matches to sort). */
  | "walk";

export interface PageText {
  mode: TextMode;
  /** Words the driving MATCH holds (and bm25 ranks); in "walk" mode, the words not very common. */
  match: string[];
  /**
   * Very common words: not ranked, only required, through the set of rows matching every word
   * (read once), or a seek per walked row when every word is very common.
   */
  check: string[];
  /** Whether the facet filters go inside the MATCH too. */
  facetsInMatch: boolean;
}

export interface PageSql {
  sql: string;
  params: SqlValue[];
  /** Result columns k0..kn hold the sort keys of each row (for the next cursor). */
  keyCount: number;
  /** The index named, if any. */
  index?: string;
}

const RECORD_SELECT =
  "r.id, r.type, r.v, r.author, r.signer, r.created_at, r.key, r.envelope_id, r.idx, r.entry_hash, r.body, r.current";

function sortKeys(schema: Schema, sort: string): SortKey[] {
  if (sort === "relevance") {
    const weights = [
      ...Object.values(schema.spec.text ?? {}).map((f) => f.weight),
      ...[...schema.facetColumns].map(() => 0),
    ];
    return [
      { sql: `bm25(f.fts, ${weights.map((w) => w.toFixed(1)).join(", ")})`, direction: "asc" },
      { sql: "r.created_at", direction: "desc" },
      { sql: "r.ord", direction: "desc" },
      { sql: "r.rid", direction: "desc" },
    ];
  }
  const { column, direction } = schema.spec.sorts[sort]!;
  const lead = column ? [`r.${columnSql(schema.spec, column)}`] : [];
  return [...lead, "r.created_at", "r.ord", "r.rid"].map((sql) => ({ sql, direction }));
}

/** Rows after `after` in the order of `keys` (a row-value comparison when all keys run one way). */
function keysetCondition(keys: SortKey[], after: SqlValue[]): { sql: string; params: SqlValue[] } {
  const op = (k: SortKey) => (k.direction === "asc" ? ">" : "<");
  if (keys.every((k) => k.direction === keys[0]!.direction)) {
    return {
      sql: `(${keys.map((k) => k.sql).join(", ")}) ${op(keys[0]!)} (${keys.map(() => "?").join(", ")})`,
      params: after,
    };
  }
  const [first, ...rest] = keys;
  const inner = keysetCondition(rest, after.slice(1));
  return {
    sql: `(${first!.sql} ${op(first!)} ? OR (${first!.sql} = ? AND ${inner.sql}))`,
    params: [after[0]!, after[0]!, ...inner.params],
  };
}

/**
 * The covering index for equality columns `equal` and order `order`: the one whose leading
 * columns are all equality-constrained and whose next columns are the order. Partial indexes
 * (visible current records) only when the query asks for those alone.
 */
export function chooseIndex(
  shapes: readonly IndexShape[],
  equal: ReadonlySet<string>,
  order: readonly string[],
  visibleCurrent: boolean,
): string | undefined {
  let best: { name: string; prefix: number } | undefined;
  for (const shape of shapes) {
    if (shape.partial && !visibleCurrent) continue;
    let prefix = 0;
    while (prefix < shape.columns.length && equal.has(shape.columns[prefix]!)) prefix++;
    let rest = order;
    while (rest.length > 0 && equal.has(rest[0]!)) rest = rest.slice(1);
    const next = shape.columns.slice(prefix, prefix + rest.length);
    if (next.length !== rest.length || next.some((c, i) => c !== rest[i])) continue;
    if (!best || prefix > best.prefix) best = { name: shape.name, prefix };
  }
  return best?.name;
}

/** The facet filters of `query` as FTS column constraints. */
export function facetConstraints(schema: Schema, query: CheckedQuery) {
  return query.filters
    .filter((f) => schema.facetColumns.has(f.name) && f.op !== "range")
    .map((f) => ({ column: schema.facetColumns.get(f.name)!, values: f.values.filter((v) => v !== null) }));
}

/**
 * The SQL of one page of `query`, sorted by `sort`, after the keys `after` (from a cursor). Two
 * steps: the inner query finds the page's rowids and sort keys (from covering indexes where it
 * can), the outer one reads those rows only, so that no body is carried through a sort.
 */
export function pageSql(
  schema: Schema,
  query: CheckedQuery,
  sort: string,
  text: PageText | undefined,
  after: SqlValue[] | undefined,
): PageSql {
  const { spec } = schema;
  const where: string[] = [];
  const params: SqlValue[] = [];
  const equal = new Set<string>();
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql);
    params.push(...values);
  };

  add(query.history ? "r.policy = 0" : "r.current = 1 AND r.policy = 0");
  if (spec.unlisted && !query.filters.some((f) => f.name === spec.unlisted!.column)) add("r.listed = 1");
  if (query.author !== undefined) {
    add("r.author = ?", query.author);
    equal.add("author");
  }
  if (query.type !== undefined) {
    add("r.type = ?", query.type);
    equal.add("type");
  }
  for (const filter of query.filters) {
    const column = `r.${filter.column}`;
    if (filter.op === "eq") {
      add(`${column} = ?`, filter.values[0]!);
      equal.add(filter.column);
    } else if (filter.op === "in") {
      add(`${column} IN (${filter.values.map(() => "?").join(", ")})`, ...filter.values);
    } else {
      const [gte, lte] = filter.values;
      if (gte !== null) add(`${column} >= ?`, gte!);
      if (lte !== null) add(`${column} <= ?`, lte!);
    }
  }
  const keys = sortKeys(schema, sort);
  const sortColumn = sort !== "relevance" ? spec.sorts[sort]!.column : undefined;
  if (sortColumn) add(`r.${columnSql(spec, sortColumn)} IS NOT NULL`);
  if (text) {
    const facets = text.facetsInMatch ? facetConstraints(schema, query) : [];
    const all = matchExpression(schema.textColumns, [...text.match, ...text.check], facets);
    if (text.mode === "walk" && text.match.length === 0) {
      // Only very common words: most walked rows hold them, a seek per row is cheapest.
      add("EXISTS (SELECT 1 FROM fts WHERE fts MATCH ? AND rowid = r.rid)", all);
    } else if (text.mode === "walk" || text.check.length > 0) {
      // The set of matches, read once by FTS (which intersects lists far faster than a seek per row).
      add("r.rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)", all);
    }
  }
  if (after) {
    const keyset = keysetCondition(keys, after);
    add(keyset.sql, ...keyset.params);
  }

  const innerSelect = `SELECT r.rid AS rid, ${keys.map((k, i) => `${k.sql} AS k${i}`).join(", ")}`;
  const innerOrder = `ORDER BY ${keys.map((k) => `${k.sql} ${k.direction.toUpperCase()}`).join(", ")} LIMIT ?`;
  const outer = (inner: string) =>
    `SELECT ${RECORD_SELECT}, ${keys.map((_, i) => `p.k${i}`).join(", ")} FROM (${inner}) AS p ` +
    `CROSS JOIN records AS r ON r.rid = p.rid ORDER BY ${keys.map((k, i) => `p.k${i} ${k.direction.toUpperCase()}`).join(", ")}`;
  const limitParam = query.limit + 1;

  if (text && text.mode !== "walk") {
    const facets = text.facetsInMatch ? facetConstraints(schema, query) : [];
    const match = matchExpression(schema.textColumns, text.match, facets);
    const inner = `${innerSelect} FROM fts AS f CROSS JOIN records AS r ON r.rid = f.rowid WHERE f.fts MATCH ? AND ${where.join(" AND ")} ${innerOrder}`;
    return { sql: outer(inner), params: [match, ...params, limitParam], keyCount: keys.length };
  }
  const order = keys.map((k) => k.sql.slice(2));
  const index = chooseIndex(schema.shapes, equal, order, !query.history);
  const from = index ? `records AS r INDEXED BY ${index}` : "records AS r";
  const inner = `${innerSelect} FROM ${from} WHERE ${where.join(" AND ")} ${innerOrder}`;
  return { sql: outer(inner), params: [...params, limitParam], keyCount: keys.length, index };
}
