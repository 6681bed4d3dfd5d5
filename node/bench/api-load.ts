/**
 * The API benchmark's load, as autocannon runs on 127.0.0.1: readers asking a mix of real reads
 * (records by id, filtered, full-text, by author, newest first), writers posting distinct
 * pre-signed listings under their SIWE sessions, and one fixed route for the baselines.
 */
import autocannon, { type RequestParams, type Result } from "autocannon";
import { listingBody, signedListing, type Wallet } from "../test/multi-daemon/api-client.ts";

/** What the readers ask about: the seeded listings, their authors and title words. */
export interface ReadWorkload {
  ids: string[];
  authors: string[];
  words: string[];
  categories: readonly string[];
}

export type ReadKind = "get by id" | "category + price" | "text" | "text + category" | "author" | "newest";

/** Share of each read kind, in percent. */
export const READ_MIX: Record<ReadKind, number> = {
  "get by id": 40,
  "category + price": 20,
  text: 10,
  "text + category": 10,
  author: 10,
  newest: 10,
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function readKind(): ReadKind {
  let roll = Math.random() * 100;
  for (const [kind, share] of Object.entries(READ_MIX) as [ReadKind, number][]) {
    roll -= share;
    if (roll < 0) return kind;
  }
  return "get by id";
}

/** The path of one read of `kind`. */
export function readPath(kind: ReadKind, w: ReadWorkload): string {
  const listings = "/v1/records/listings";
  const query = (params: Record<string, string>) => `${listings}?${new URLSearchParams({ limit: "20", ...params })}`;
  switch (kind) {
    case "get by id":
      return `${listings}/${pick(w.ids)}`;
    case "category + price": {
      const low = 1_000 + Math.floor(Math.random() * 400);
      return query({
        "filter.category": pick(w.categories),
        "filter.price.gte": String(low),
        "filter.price.lte": String(low + 200),
      });
    }
    case "text":
      return query({ text: pick(w.words) });
    case "text + category":
      return query({ text: pick(w.words), "filter.category": pick(w.categories) });
    case "author":
      return query({ author: pick(w.authors) });
    case "newest":
      return query({});
  }
}

export interface LoadRun {
  result: Result;
  /** Latencies (ms) by kind of request, from autocannon's response events. */
  byKind: Map<string, number[]>;
}

/** Runs autocannon; `kindOf` names what a request's context says it was (for `byKind`). */
async function run(options: Parameters<typeof autocannon>[0]): Promise<LoadRun> {
  const byKind = new Map<string, number[]>();
  let lastKind = "";
  const requests = options.requests?.map((spec) => ({
    ...spec,
    // Called just before the response event of the same answer: it says which kind that was.
    onResponse: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => {
      lastKind = typeof context.kind === "string" ? context.kind : "";
      spec.onResponse?.(status, body, context, headers);
    },
  }));
  const instance = autocannon({ pipelining: 1, timeout: 10, ...options, requests });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    let list = byKind.get(lastKind);
    if (!list) byKind.set(lastKind, (list = []));
    list.push(ms);
  });
  return { result: await instance, byKind };
}

export interface RunOptions {
  url: string;
  connections: number;
  durationS: number;
}

/** Readers: each request a random kind of read (READ_MIX). */
export function runReaders({ workload, ...options }: RunOptions & { workload: ReadWorkload }): Promise<LoadRun> {
  return run({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: "GET",
        setupRequest: (request: RequestParams, context: Record<string, unknown>) => {
          const kind = readKind();
          context.kind = kind;
          return { ...request, path: readPath(kind, workload) };
        },
      },
    ],
  });
}

/** A writer: a wallet and its session token. */
export interface Writer {
  wallet: Wallet;
  token: string;
}

/**
 * Distinct signed listings for the writers, signed before the run (signing costs the client
 * milliseconds of CPU each), taken in turn across the writers. Should the run outlast them, more
 * are signed on the fly and counted.
 */
export class WritePool {
  readonly #network: string;
  readonly #writers: Writer[];
  readonly #word: string;
  readonly #bodies: { body: string; token: string }[] = [];
  #next = 0;
  #made = 0;
  signedDuringRun = 0;

  constructor(network: string, writers: Writer[], word: string) {
    this.#network = network;
    this.#writers = writers;
    this.#word = word;
  }

  #sign(): { body: string; token: string } {
    const i = this.#made++;
    const writer = this.#writers[i % this.#writers.length]!;
    const body = listingBody(`load-${i}`, `${this.#word} ${["lamp", "desk", "tent"][i % 3]}`, i);
    return { body: JSON.stringify(signedListing(this.#network, writer.wallet, body)), token: writer.token };
  }

  /** Signs `count` listings ahead. */
  fill(count: number): void {
    for (let i = 0; i < count; i++) this.#bodies.push(this.#sign());
  }

  get size(): number {
    return this.#bodies.length;
  }

  /** Writes handed out so far. */
  get used(): number {
    return this.#next;
  }

  take(): { body: string; token: string } {
    if (this.#next < this.#bodies.length) return this.#bodies[this.#next++]!;
    this.#next++;
    this.signedDuringRun++;
    return this.#sign();
  }
}

/**
 * Writers: each request a new listing from `pool`, with its author's session. The ids of the
 * listings answered with 201 go to `acknowledged`.
 */
export function runWriters({
  pool,
  acknowledged,
  ...options
}: RunOptions & { pool: WritePool; acknowledged: string[] }): Promise<LoadRun> {
  return run({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: "POST",
        path: "/v1/records/listings",
        setupRequest: (request: RequestParams, context: Record<string, unknown>) => {
          const { body, token } = pool.take();
          context.kind = "write";
          return {
            ...request,
            body,
            headers: { ...request.headers, "content-type": "application/json", authorization: `Bearer ${token}` },
          };
        },
        onResponse: (status: number, body: string) => {
          if (status === 201) acknowledged.push((JSON.parse(body) as { records: { id: string }[] }).records[0]!.id);
        },
      },
    ],
  });
}

/** One fixed GET (the baselines). */
export function runFixed({ path, ...options }: RunOptions & { path: string }): Promise<LoadRun> {
  return run({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: "GET",
        path,
        setupRequest: (request: RequestParams, context: Record<string, unknown>) => {
          context.kind = path;
          return request;
        },
      },
    ],
  });
}

/** The `p`th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
