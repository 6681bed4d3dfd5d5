/**
 * How a page is run: its sort, and for text, how FTS is used (see text.ts for the costs). Very
 * common words are left out when the query has other words (STACK.md); a relevance query too
 * broad to rank cheaply comes newest first; a cursor keeps the first page's words and sort, so
 * that every page of a query agrees.
 */
import { QueryError } from "../errors.ts";
import type { CursorState } from "./cursor.ts";
import type { SqlEngine } from "./engine.ts";
import { facetConstraints, type PageText } from "./page.ts";
import type { CheckedQuery } from "./query.ts";
import type { Schema } from "./schema.ts";
import {
  matchExpression,
  planText,
  type FacetConstraint,
  type RankLimits,
  type Vocabulary,
  type VocabularyOptions,
} from "./text.ts";

export interface PagePlan {
  sort: string;
  text?: PageText;
  /** The words FTS matches, for the cursor. */
  terms?: string[];
}

export interface PagePlanInput {
  engine: SqlEngine;
  schema: Schema;
  checked: CheckedQuery;
  state: CursorState | undefined;
  vocabulary: Vocabulary;
  options: VocabularyOptions;
  limits: RankLimits;
}

/** A walk: words most records hold are sought per row, the others read once (with the facets). */
function walk(words: readonly string[], seek: readonly string[], hasFacets: boolean): PageText {
  const match = words.filter((word) => !seek.includes(word));
  const check = words.filter((word) => seek.includes(word));
  return { mode: "walk", match, check, facetsInMatch: match.length > 0 && hasFacets };
}

/** Whether FTS matches at most `cap` records for `terms` and `facets`: a count that stops early. */
async function matchesAtMost(
  engine: SqlEngine,
  schema: Schema,
  terms: readonly string[],
  facets: readonly FacetConstraint[],
  cap: number,
): Promise<boolean> {
  const [row] = await engine.all<{ n: number }>(
    "SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)",
    [matchExpression(schema.textColumns, terms, facets), cap + 1],
  );
  return (row?.n ?? 0) <= cap;
}

export async function planPage(input: PagePlanInput): Promise<PagePlan> {
  const { engine, schema, checked, state } = input;
  if (!checked.words) return { sort: checked.sort };
  const facets = facetConstraints(schema, checked);
  const { rare, rank, seek } = await planText({
    words: checked.words,
    rare: state?.terms,
    facets,
    rows: checked.limit + 1,
    vocabulary: input.vocabulary,
    options: input.options,
    limits: input.limits,
    matchesAtMost: (terms, facetList, cap) => matchesAtMost(engine, schema, terms, facetList, cap),
  });
  const sort = state?.sort ?? (checked.sort === "relevance" && !rank ? "newest" : checked.sort);
  if (sort === "relevance") {
    if (rare.length === 0) throw new QueryError("cursor does not match the query", "cursor", "invalid");
    const facetsInMatch = rank?.facetsInMatch ?? facets.length > 0;
    return { sort, text: { mode: "rank", match: rare, check: [], facetsInMatch }, terms: rare };
  }
  if (rank) {
    return {
      sort,
      text: { mode: "match-then-sort", match: rare, check: [], facetsInMatch: rank.facetsInMatch },
      terms: rare,
    };
  }
  // Very common words count only when the query has nothing else.
  const words = rare.length > 0 ? rare : checked.words;
  return { sort, text: walk(words, seek, facets.length > 0), terms: rare };
}
