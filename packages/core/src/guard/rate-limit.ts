/**
 * Token buckets by key (an author, a relaying peer): `max` records per `windowMs`, refilled
 * continuously, computed when read (no timer). A full bucket always admits one envelope, even a
 * batch larger than `max`, and goes into debt for the excess, so that big author batches are
 * slowed, never starved.
 */
import { LruMap } from "./lru-map.ts";

export interface RateLimit {
  /** Records admitted per window (and the largest burst). */
  max: number;
  /** Length of the window (ms). */
  windowMs: number;
}

/** Keys tracked at most; a forgotten key starts again with a full bucket. */
const MAX_KEYS = 100_000;

export class TokenBuckets {
  readonly limit: RateLimit;
  readonly #buckets = new LruMap<string, { tokens: number; at: number }>(MAX_KEYS);
  readonly #now: () => number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.limit = limit;
    this.#now = now;
  }

  /** Tokens `key` has now (negative while in debt). */
  available(key: string): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return this.limit.max;
    const refill = ((this.#now() - bucket.at) * this.limit.max) / this.limit.windowMs;
    return Math.min(this.limit.max, bucket.tokens + refill);
  }

  /**
   * Whether `key` may take `n` tokens now. With `oneEnvelope` (the `n` records came in one signed
   * envelope), a full bucket admits them however many they are.
   */
  fits(key: string, n: number, oneEnvelope = false): boolean {
    if (n <= 0) return true;
    return this.available(key) >= (oneEnvelope ? Math.min(n, this.limit.max) : n);
  }

  /** Takes `n` tokens from `key` (call after `fits`). */
  take(key: string, n: number): void {
    if (n <= 0) return;
    this.#buckets.set(key, { tokens: this.available(key) - n, at: this.#now() });
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }
}
