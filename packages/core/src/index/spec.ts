/**
 * What a family's index looks like: typed columns taken from the record, the filters and sorts a
 * query may use, the text searched with bm25, the facets matched inside FTS, the covering indexes
 * per query shape, and the per-author quota. Declarative, so that the schema, its migration and
 * the query validation all derive from one place (`specs.ts` holds one spec per family).
 */
import type { Family } from "@stoa/protocol";

/**
 * - `text`: a string, compared as is;
 * - `integer`: a JSON number;
 * - `uint256`: a decimal string of up to 78 digits (token amounts), stored after its length in
 *   two digits ("041000" for 1000), so that text order is numeric order: range filters and
 *   sorting stay exact, in 2 + digits bytes rather than 78.
 */
export type ColumnType = "text" | "integer" | "uint256";

/** `eq`: `{ name: value }`; `in`: `{ name: [v1, v2] }`; `range`: `{ name: { gte, lte } }`. */
export type FilterOp = "eq" | "in" | "range";

export interface ColumnSpec {
  /** A path into the body ("$.category"), or a field every record has. */
  from: `$.${string}` | "author" | "signer" | "key";
  type: ColumnType;
  /** The filters a query may apply to it (none: the column only serves a sort or an index). */
  filters: readonly FilterOp[];
}

export interface TextFieldSpec {
  /** A path into the body ("$.title"). */
  from: `$.${string}`;
  /** Its bm25 weight (title x10, description x1). */
  weight: number;
}

export interface SortSpec {
  /** The column sorted by, before the creation time; none: by creation time alone. */
  column?: string;
  direction: "asc" | "desc";
}

export interface IndexShapeSpec {
  /** Leading columns: equality filters, then at most the column of a sort. */
  on: readonly string[];
  /** Columns carried after the sort keys, so that range filters are checked in the index. */
  include?: readonly string[];
}

export interface IndexSpec {
  family: Family;
  /** Typed columns, by the name queries use in `filters` and `sort`. */
  columns: Readonly<Record<string, ColumnSpec>>;
  /** Body text searched by `RecordQuery.text`, by field name; none: the family has no text search. */
  text?: Readonly<Record<string, TextFieldSpec>>;
  /**
   * Columns (with `eq`/`in` filters) that are also indexed as tokens inside FTS, so that text
   * and facet are intersected before ranking (measured: 10x faster on common words).
   */
  facets?: readonly string[];
  /** Named sorts; "relevance" is added for families with text. */
  sorts: Readonly<Record<string, SortSpec>>;
  defaultSort: string;
  /**
   * Covering indexes (only over visible current records) for the query shapes that matter: each
   * is `on` + creation time + a tie-breaker, so that one index serves filter and order.
   */
  indexes: readonly IndexShapeSpec[];
  /** Current records left out of queries unless `filters[column]` asks for them (withdrawn listings). */
  unlisted?: { column: string; values: readonly string[] };
  /**
   * Most current things (a keyed record and its versions count once) per author; the ones beyond
   * it, in order of their first version's creation time, are hidden.
   */
  quota?: number;
}

/** Names the record fields behind `from` carry in the records table. */
const RECORD_FIELDS = { author: "author", signer: "signer", key: "key" } as const;

/** The stored form of a uint256 decimal string: its length in two digits, then the digits. */
export function uint256Key(decimal: string): string {
  return String(decimal.length).padStart(2, "0") + decimal;
}

/** The SQL column of a spec column: a record field, or its own `c_<name>` column. */
export function columnSql(spec: IndexSpec, name: string): string {
  const column = spec.columns[name];
  if (!column) throw new Error(`the ${spec.family} index has no column ${name}`);
  return column.from.startsWith("$.") ? `c_${name}` : RECORD_FIELDS[column.from as keyof typeof RECORD_FIELDS];
}

/** A SQL string literal (for spec constants only, never for user input). */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The expression that computes a body-path column from the JSON text `body` (a column or parameter). */
export function extractSql(column: ColumnSpec, body: string): string {
  const value = `json_extract(${body}, ${sqlLiteral(column.from)})`;
  if (column.type === "uint256") return `printf('%02d', length(${value})) || ${value}`;
  return value;
}

/** Spec columns stored in their own SQL column (those read from the body). */
export function storedColumns(spec: IndexSpec): [string, ColumnSpec][] {
  return Object.entries(spec.columns).filter(([, c]) => c.from.startsWith("$."));
}

/** Checks a spec once, when an index opens with it: names, references, sorts. */
export function checkSpec(spec: IndexSpec): void {
  const fail = (message: string) => {
    throw new Error(`invalid ${spec.family} index spec: ${message}`);
  };
  const names = [...Object.keys(spec.columns), ...Object.keys(spec.text ?? {})];
  for (const name of names) if (!/^[a-z][A-Za-z0-9]{0,31}$/.test(name)) fail(`bad name ${name}`);
  for (const facet of spec.facets ?? []) if (!spec.columns[facet]) fail(`facet ${facet} is not a column`);
  for (const [name, sort] of Object.entries(spec.sorts)) {
    if (name === "relevance") fail(`"relevance" is built in`);
    if (sort.column && !spec.columns[sort.column]) fail(`sort ${name} uses an unknown column`);
  }
  if (!spec.sorts[spec.defaultSort]) fail(`default sort ${spec.defaultSort} is not a sort`);
  for (const shape of spec.indexes) {
    for (const name of [...shape.on, ...(shape.include ?? [])]) {
      if (name !== "type" && !spec.columns[name]) fail(`index on unknown column ${name}`);
    }
  }
  if (spec.unlisted && !spec.columns[spec.unlisted.column]) fail(`unlisted column is unknown`);
  if (spec.quota !== undefined && !(Number.isInteger(spec.quota) && spec.quota > 0)) fail(`quota must be > 0`);
}
