/**
 * The SQL of one keyset page of a checked query. The builder names the covering index of each
 * shape itself (INDEXED BY): the planner was measured picking a worse one (STACK.md). Two steps:
 * the inner query finds the page's rowids and sort keys (from a covering index where it can),
 * the outer one reads those rows only, so that no body is carried through a sort.
 */
import type { SqlValue } from "./engine.ts";
import type { CheckedQuery } from "./query.ts";
import type { IndexShape, Schema } from "./schema.ts";
import { columnSql } from "./spec.ts";
import { matchExpression, type FacetConstraint } from "./text.ts";

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
  /**
   * Words the driving MATCH holds (and bm25 ranks); in "walk" mode, the words whose matches are
   * read once into a set each walked row is looked up in.
   */
  match: string[];
  /** In "walk" mode, words most rows hold: a seek per walked row; empty otherwise. */
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
export function facetConstraints(schema: Schema, query: CheckedQuery): FacetConstraint[] {
  return query.filters
    .filter((f) => schema.facetColumns.has(f.name) && f.op !== "range")
    .map((f) => ({ column: schema.facetColumns.get(f.name)!, values: f.values.filter((v) => v !== null) }));
}

/** The SQL of one page of `query`, sorted by `sort`, after the keys `after` (from a cursor). */
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
    if (text.mode === "walk") {
      // Words in a large share of rows: a seek per walked row; the others: their matches read once.
      if (text.match.length > 0) {
        add(
          "r.rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
          matchExpression(schema.textColumns, text.match, facets),
        );
      }
      if (text.check.length > 0) {
        add(
          "EXISTS (SELECT 1 FROM fts WHERE fts MATCH ? AND rowid = r.rid)",
          matchExpression(schema.textColumns, text.check, []),
        );
      }
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
