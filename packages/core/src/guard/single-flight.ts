/**
 * Fetches blocks with a short timeout, never two fetches of the same block at once.
 *
 * @helia/bitswap 4.0.19 shares one want-list entry per CID between callers and cancels it when
 * any caller aborts or the block arrives; a caller that joins in that window waits for an event
 * that already fired and times out although peers hold the block. So concurrent callers share
 * one fetch, and a timed-out fetch is retried once, briefly, with a fresh want.
 */
import type { CID } from "multiformats/cid";
import { TimeoutError } from "../errors.ts";

/** Where blocks come from: Helia's blockstore (local first, then bitswap). */
export interface BlockSource {
  get(cid: CID, options: { signal: AbortSignal }): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface BlockFetchOptions {
  /** Wait for one block before giving up (ms). */
  timeoutMs: number;
  /** Wait of the one retry after a timeout (ms); 0 for no retry. */
  retryMs: number;
}

export interface BlockFetchStats {
  fetched: number;
  retries: number;
  failed: number;
  inflight: number;
  /** Slowest successful fetch (ms). */
  maxMs: number;
}

export class BlockFetcher {
  readonly #source: BlockSource;
  readonly #options: BlockFetchOptions;
  readonly #inflight = new Map<string, Promise<Uint8Array>>();
  readonly #stop = new AbortController();
  readonly #stats = { fetched: 0, retries: 0, failed: 0, maxMs: 0 };

  constructor(source: BlockSource, options: BlockFetchOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** The block `cid`, shared with any fetch of it already running. Rejects after the timeout(s). */
  fetch(cid: CID): Promise<Uint8Array> {
    const key = cid.toString();
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#fetch(cid).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** Aborts every running fetch; later fetches reject at once. */
  stop(): void {
    this.#stop.abort(new TimeoutError("the block fetcher was stopped"));
  }

  stats(): BlockFetchStats {
    return { ...this.#stats, inflight: this.#inflight.size };
  }

  async #fetch(cid: CID): Promise<Uint8Array> {
    const started = performance.now();
    try {
      let bytes: Uint8Array;
      try {
        bytes = await this.#attempt(cid, this.#options.timeoutMs);
      } catch (error) {
        if (this.#stop.signal.aborted || this.#options.retryMs <= 0) throw error;
        this.#stats.retries++;
        bytes = await this.#attempt(cid, this.#options.retryMs);
      }
      this.#stats.fetched++;
      this.#stats.maxMs = Math.max(this.#stats.maxMs, performance.now() - started);
      return bytes;
    } catch (error) {
      this.#stats.failed++;
      throw error;
    }
  }

  async #attempt(cid: CID, timeoutMs: number): Promise<Uint8Array> {
    this.#stop.signal.throwIfAborted();
    const timeout = new AbortController();
    // A timer of our own, cleared when done: nothing stays scheduled after a fetch or a stop.
    const timer = setTimeout(() => {
      timeout.abort(new TimeoutError(`block ${cid.toString()} not found in ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of this.#source.get(cid, {
        signal: AbortSignal.any([timeout.signal, this.#stop.signal]),
      })) {
        chunks.push(chunk);
      }
      return concat(chunks);
    } finally {
      clearTimeout(timer);
    }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
