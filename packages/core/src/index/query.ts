/**
 * Queries: a `RecordQuery` validated against the family's spec, every mistake a QueryError
 * naming the field and the rule. The SQL of a page is in page.ts.
 */
import { FAMILIES } from "@stoa/protocol";
import { QueryError } from "../errors.ts";
import type { Schema } from "./schema.ts";
import { columnSql, uint256Key, type ColumnSpec } from "./spec.ts";
import { MAX_TEXT_LENGTH, tokenize } from "./text.ts";

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

export interface Filter {
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
