/**
 * Full-text input and how a text query is run.
 *
 * Safety: text is split into words (letters, digits and marks only) and every word is a quoted
 * FTS5 string, so no input reaches FTS5's syntax (operators, column filters, NEAR, prefix stars,
 * parentheses): `title:"x" OR NEAR(a b)*` searches the words title, x, or, near, a, b.
 *
 * Cost (measured at 100,000 listings, see bench/index.bench.ts): bm25 scans the whole list of
 * every phrase in the MATCH once for its weight (~0.18 us per record holding it), then costs
 * ~3.3 us per match (with the join to records and the sort). So:
 * - very common words (in more than 30% of records, STACK.md) are left out of a query that has
 *   other words: they would cost a scan of most of the family and narrow little. A query of
 *   only such words keeps them all, and is answered newest first;
 * - a query is ranked only when the words (or the words with the facets, inside MATCH) match at
 *   most `rankLimit` records, counted exactly (capped), and the lists to scan hold at most
 *   `rankScanLimit` entries (from the vocabulary snapshot). A broader query comes newest first,
 *   from the sort's index, each row looked up in the set of matches.
 * Which words count depends on the vocabulary snapshot (refreshed as the family grows by a
 * tenth); given the words, which records match never depends on these choices, only the order
 * of broad queries does.
 */
import type { SqlEngine } from "./engine.ts";

/** Most characters of `RecordQuery.text`. */
export const MAX_TEXT_LENGTH = 256;
/** Words of a text query beyond this many are ignored. */
export const MAX_TEXT_TERMS = 16;

export interface VocabularyOptions {
  /** Words in at least this many records are cached with their counts (default 1,000). */
  minDocs: number;
  /** A cached word in more than this share of the records is "common" (default 0.3). */
  commonShare: number;
}

export const DEFAULT_VOCABULARY: VocabularyOptions = { minDocs: 1_000, commonShare: 0.3 };

export interface RankLimits {
  /** Most matches ranked by bm25 (default 250; ~3.3 us each with the join and sort). */
  rankLimit: number;
  /** Most list entries bm25 may scan for the phrases' weights (default 10,000; ~0.18 us each). */
  rankScanLimit: number;
}

export const DEFAULT_RANK_LIMITS: RankLimits = { rankLimit: 250, rankScanLimit: 10_000 };

/**
 * Cost of one FTS seek over the cost of reading one list entry (~0.13 us). Walking an index for
 * `rows` results, a word held by a share `s` of the records costs rows / s seeks, or s * docs
 * entries read once: a seek per walked row pays when s > sqrt(SEEK_COST * rows / docs) (0.15 for
 * 21 rows of 100,000 records). A seek searches every FTS segment: ~10 us on an index merged into
 * one segment (RecordIndex keeps it merged as it grows), 80-200 us on one with dozens (measured at
 * 100,000 listings, bench:market).
 */
const SEEK_COST = 100;

/** Frequent words and how many records hold them, read from fts5vocab (a snapshot). */
export interface Vocabulary {
  /** Records in the FTS table when the snapshot was taken. */
  docs: number;
  /** Words (and facet tokens) held by at least `minDocs` records, with their record counts. */
  frequent: Map<string, number>;
}

/**
 * The words of `text` as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them: lower case,
 * without diacritics, split on anything that is not a letter, digit or mark; unique, in order.
 */
export function tokenize(text: string): string[] {
  const words = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, MAX_TEXT_TERMS);
}

/** An FTS5 string: the term between double quotes, inner quotes doubled. */
export function quote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * The FTS token of a facet value: the hex of its UTF-8 bytes (SQL `hex()`, lower-cased by the
 * tokenizer), so that any value is exactly one token ("home-garden" would be the phrase
 * "home garden", whose words every record of "home-garden-tools" holds too).
 */
export function facetToken(value: string | number): string {
  return [...new TextEncoder().encode(String(value))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A facet filter inside MATCH: any of `values` in FTS column `column`. */
export interface FacetConstraint {
  column: string;
  values: readonly (string | number)[];
}

/**
 * The MATCH expression: the words in the text columns, AND facet tokens in their own columns
 * (`f_category : ("626f6f6b73" OR "6d75736963")`).
 */
export function matchExpression(
  textColumns: readonly string[],
  terms: readonly string[],
  facets: readonly FacetConstraint[],
): string {
  const facetParts = facets.map(
    ({ column, values }) => `${column} : (${values.map(facetToken).map(quote).join(" OR ")})`,
  );
  const text = terms.length > 0 ? [`{${textColumns.join(" ")}} : (${terms.map(quote).join(" AND ")})`] : [];
  return [...facetParts, ...text].join(" AND ");
}

/** How a text query runs. */
export interface TextPlan {
  /** Words FTS matches (and ranks); none when every word is very common. */
  rare: string[];
  /** Very common words: left out when `rare` is not empty. */
  common: string[];
  /** Whether bm25 may rank it, and with the facets inside MATCH or not; undefined: too broad. */
  rank?: { facetsInMatch: boolean };
  /** For a walk (too broad): the words most records hold (a seek per walked row pays for them). */
  seek: string[];
}

export interface TextPlanInput {
  words: readonly string[];
  /** Words to match, kept from the first page (a cursor), instead of splitting again. */
  rare?: readonly string[];
  facets: readonly FacetConstraint[];
  /** Rows a page reads (limit + 1). */
  rows: number;
  vocabulary: Vocabulary;
  options: VocabularyOptions;
  limits: RankLimits;
  /** Whether FTS matches at most `cap` records for `terms` and `facets` (a capped count). */
  matchesAtMost(terms: readonly string[], facets: readonly FacetConstraint[], cap: number): Promise<boolean>;
}

/** Decides which words FTS matches, and whether bm25 can rank the query cheaply. */
export async function planText(input: TextPlanInput): Promise<TextPlan> {
  const { words, facets, vocabulary, options, limits } = input;
  const docsOf = (token: string) => vocabulary.frequent.get(token) ?? 0;
  const rare = input.rare
    ? [...input.rare]
    : words.filter((word) => docsOf(word) <= vocabulary.docs * options.commonShare);
  const common = words.filter((word) => !rare.includes(word));
  const seekShare = Math.sqrt((SEEK_COST * input.rows) / Math.max(1, vocabulary.docs));
  const seek = words.filter((word) => docsOf(word) > vocabulary.docs * seekShare);
  if (rare.length === 0) return { rare, common, seek };
  // Words under the snapshot's threshold hold fewer than minDocs records.
  const scan = (tokens: readonly string[]) => tokens.reduce((sum, t) => sum + Math.max(docsOf(t), options.minDocs), 0);
  const wordScan = scan(rare);
  if (wordScan <= limits.rankScanLimit && (await input.matchesAtMost(rare, [], limits.rankLimit))) {
    return { rare, common, rank: { facetsInMatch: false }, seek };
  }
  const facetScan = scan(facets.flatMap((f) => f.values.map(facetToken)));
  if (
    facets.length > 0 &&
    wordScan + facetScan <= limits.rankScanLimit &&
    (await input.matchesAtMost(rare, facets, limits.rankLimit))
  ) {
    return { rare, common, rank: { facetsInMatch: true }, seek };
  }
  return { rare, common, seek };
}

/** Reads a fresh vocabulary snapshot (a scan of fts5vocab: ~100 ms at 100,000 records). */
export async function readVocabulary(engine: SqlEngine, options: VocabularyOptions): Promise<Vocabulary> {
  const [count] = await engine.all<{ n: number }>("SELECT count(*) AS n FROM records WHERE current = 1 AND policy = 0");
  const rows = await engine.all<{ term: string; doc: number }>("SELECT term, doc FROM fts_vocab WHERE doc >= ?", [
    options.minDocs,
  ]);
  return { docs: count?.n ?? 0, frequent: new Map(rows.map((row) => [row.term, row.doc])) };
}

export function vocabularyToJson(vocabulary: Vocabulary): string {
  return JSON.stringify({ docs: vocabulary.docs, frequent: [...vocabulary.frequent] });
}

export function vocabularyFromJson(json: string): Vocabulary | undefined {
  try {
    const parsed = JSON.parse(json) as { docs: unknown; frequent: unknown };
    if (typeof parsed.docs !== "number" || !Array.isArray(parsed.frequent)) return undefined;
    return { docs: parsed.docs, frequent: new Map(parsed.frequent as [string, number][]) };
  } catch {
    return undefined;
  }
}
