/**
 * The query workload, the same for Stoa's index and the raw SQLite FTS5 baseline: words bucketed
 * by the share of listings that hold them, then seeded lists of filter and text queries.
 */
import type { RecordQuery } from "../src/index.ts";
import { CATEGORIES, listingBody, prng, WORDS } from "./corpus.ts";

/** One query of the workload, in a neutral form both engines translate. */
export interface WorkloadQuery {
  category: string;
  /** Price range (inclusive), for filter queries. */
  price?: { min: number; max: number };
  /** Words, all required, for text queries. */
  words?: string[];
}

export interface Workload {
  /** Query shape -> queries, in run order. */
  shapes: Record<string, WorkloadQuery[]>;
  buckets: Record<string, number>;
}

/** Which shapes are filters and which are text, for the table. */
export const FILTER_SHAPES = ["category + price range"];
export const TEXT_SHAPES = [
  "text, rare word + category",
  "text, medium word + category",
  "text, common word + category",
  "text, two medium words + category",
];

/** Builds `runs` queries per shape over the listings numbered `numbers`. */
export function buildWorkload(numbers: readonly number[], runs: number): Workload {
  const docs = new Map<string, number>();
  for (const i of numbers) {
    const body = listingBody(i);
    for (const word of new Set(`${body.title} ${body.description}`.split(" ")))
      docs.set(word, (docs.get(word) ?? 0) + 1);
  }
  const share = (word: string) => (docs.get(word) ?? 0) / numbers.length;
  const bucket = (min: number, max: number) => WORDS.filter((w) => share(w) >= min && share(w) < max);
  const rare = bucket(0.0005, 0.005);
  const medium = bucket(0.005, 0.05);
  const common = bucket(0.05, 0.3);
  const random = prng(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const category = () => pick(CATEGORIES);
  const list = (make: () => WorkloadQuery) => Array.from({ length: runs }, make);
  return {
    shapes: {
      "category + price range": list(() => {
        const min = Math.floor(10 ** (2 + random() * 5));
        return { category: category(), price: { min, max: min * 10 } };
      }),
      "text, rare word + category": list(() => ({ category: category(), words: [pick(rare)] })),
      "text, medium word + category": list(() => ({ category: category(), words: [pick(medium)] })),
      "text, common word + category": list(() => ({ category: category(), words: [pick(common)] })),
      "text, two medium words + category": list(() => ({ category: category(), words: [pick(medium), pick(medium)] })),
    },
    buckets: { rare: rare.length, medium: medium.length, common: common.length },
  };
}

/** The query as a Stoa RecordQuery (text ranked by relevance, filters newest first). */
export function toRecordQuery(q: WorkloadQuery): RecordQuery {
  const filters: RecordQuery["filters"] = { category: q.category };
  if (q.price) filters.price = { gte: String(q.price.min), lte: String(q.price.max) };
  return q.words ? { text: q.words.join(" "), filters } : { filters };
}
