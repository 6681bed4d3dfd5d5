/**
 * Record queries from a URL: `?text=&sort=&limit=&cursor=&author=&type=&history=` and filters as
 * `filter.<name>=value` (equal), repeated for a list (any of), or `filter.<name>.gte=` /
 * `filter.<name>.lte=` for a range. The index checks names, operators and value types.
 */
import type { FamilyStore, RecordQuery } from "@stoa/core";
import { z } from "zod";
import { badRequest } from "./errors.ts";

type Filters = NonNullable<RecordQuery["filters"]>;
type FilterValue = Filters[string];

const many = z.union([z.string(), z.array(z.string())]);

export const recordSearchSchema = z
  .object({
    text: z.string().max(1000).optional(),
    sort: z.string().max(64).optional(),
    limit: z
      .string()
      .regex(/^[0-9]{1,3}$/, "must be a whole number")
      .transform(Number)
      .optional()
      .describe("1-100, default 20"),
    cursor: z.string().max(2048).optional(),
    author: z.string().max(64).optional(),
    type: z.string().max(64).optional(),
    history: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  })
  .catchall(many)
  .describe("Filters: filter.<name>=v (repeat for any of several), filter.<name>.gte=v, filter.<name>.lte=v");

export type RecordSearch = z.output<typeof recordSearchSchema>;

const KNOWN = new Set(["text", "sort", "limit", "cursor", "author", "type", "history"]);
const FILTER_KEY = /^filter\.([A-Za-z][A-Za-z0-9_]{0,63})(?:\.(gte|lte))?$/;

function addFilter(filters: Filters, key: string, raw: string | string[]): void {
  const match = FILTER_KEY.exec(key);
  if (!match) throw badRequest(`unknown query parameter ${key}`, `query.${key}`);
  const [, name, bound] = match as unknown as [string, string, "gte" | "lte" | undefined];
  const existing = Object.hasOwn(filters, name) ? filters[name] : undefined;
  if (bound) {
    if (Array.isArray(raw)) throw badRequest(`${key} takes one value`, `query.${key}`);
    const range = existing ?? {};
    if (typeof range !== "object" || Array.isArray(range)) {
      throw badRequest(`filter.${name} is both a value and a range`, `query.${key}`);
    }
    filters[name] = { ...range, [bound]: raw };
    return;
  }
  if (existing !== undefined) throw badRequest(`filter.${name} is both a value and a range`, `query.${key}`);
  filters[name] = raw;
}

/** The RecordQuery of a URL's parameters. */
export function recordQueryFromSearch(search: RecordSearch): RecordQuery {
  const query: RecordQuery = {};
  const filters: Filters = {};
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined) continue;
    if (KNOWN.has(key)) {
      if (Array.isArray(value)) throw badRequest(`${key} takes one value`, `query.${key}`);
      Object.assign(query, { [key]: value });
      continue;
    }
    addFilter(filters, key, value as string | string[]);
  }
  if (Object.keys(filters).length > 0) query.filters = filters;
  return query;
}

const INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;

function asNumbers(value: FilterValue): FilterValue | undefined {
  const convert = (v: string | number) => (typeof v === "string" && INTEGER.test(v) ? Number(v) : undefined);
  if (typeof value === "string") return convert(value);
  if (Array.isArray(value)) return undefined;
  if (typeof value === "object") {
    const gte = value.gte === undefined ? undefined : convert(value.gte);
    const lte = value.lte === undefined ? undefined : convert(value.lte);
    if ((value.gte !== undefined && gte === undefined) || (value.lte !== undefined && lte === undefined))
      return undefined;
    return { ...(gte === undefined ? {} : { gte }), ...(lte === undefined ? {} : { lte }) };
  }
  return undefined;
}

/**
 * Runs a query whose filter values came from a URL, hence as text. Integer columns (chainId,
 * rating, ...) want numbers, but @stoa/core does not say which columns those are, so a value the
 * index refuses as text is tried again as a number, once per filter.
 */
export async function queryFromUrl(store: FamilyStore, query: RecordQuery) {
  const tried = new Set<string>();
  for (;;) {
    try {
      return await store.query(query);
    } catch (error) {
      const e = error as { name?: string; field?: string; rule?: string };
      const name = e.name === "QueryError" && e.rule === "type" ? e.field?.split(".")[1] : undefined;
      const value = name === undefined ? undefined : query.filters?.[name];
      const numeric = value === undefined || tried.has(name!) ? undefined : asNumbers(value);
      if (numeric === undefined) throw error;
      tried.add(name!);
      query = { ...query, filters: { ...query.filters, [name!]: numeric } };
    }
  }
}
