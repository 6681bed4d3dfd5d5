/**
 * Sign-in state, in memory and bounded: nonces waiting for their SIWE signature and the sessions
 * they opened. Both expire; both stores have a ceiling, past which the entries closest to expiry
 * go first, so that a flood of nonce requests cannot grow the heap (the per-IP rate limit keeps
 * such a flood from crowding out honest sign-ins). A restart signs everyone out, which is the
 * price of keeping no secrets on disk.
 */
import { randomBytes } from "node:crypto";
import { generateNonce } from "siwe";

/** Most nonces waiting at once. */
export const MAX_PENDING_NONCES = 10_000;
/** Most open sessions at once. */
export const MAX_SESSIONS = 100_000;

/**
 * A map whose entries expire, and whose oldest entries are dropped past `capacity`. Entries are
 * kept in insertion order and every entry has the same lifetime, so the first entry is always
 * the one that expires next.
 */
class ExpiringMap<V extends { expiresAt: number }> {
  readonly #entries = new Map<string, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  set(key: string, value: V, now: number): void {
    this.prune(now);
    while (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, value);
  }

  /** The live entry under `key`, or undefined (an expired one is dropped). */
  get(key: string, now: number): V | undefined {
    const value = this.#entries.get(key);
    if (!value) return undefined;
    if (value.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  delete(key: string): V | undefined {
    const value = this.#entries.get(key);
    this.#entries.delete(key);
    return value;
  }

  /** Drops expired entries from the front. */
  prune(now: number): void {
    for (const [key, value] of this.#entries) {
      if (value.expiresAt > now) break;
      this.#entries.delete(key);
    }
  }
}

export interface IssuedNonce {
  nonce: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/** The time in ms since the epoch (tests pass their own clock). */
export type Clock = () => number;

/** Nonces for SIWE messages: issued by this node, used once, expiring. */
export class NonceStore {
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #pending: ExpiringMap<IssuedNonce>;

  constructor(ttlSeconds: number, clock: Clock = Date.now, capacity = MAX_PENDING_NONCES) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#clock = clock;
    this.#pending = new ExpiringMap(capacity);
  }

  issue(now = this.#clock()): IssuedNonce {
    // siwe's nonces: 96 bits, alphanumeric, as EIP-4361 requires.
    const issued = { nonce: generateNonce(), expiresAt: now + this.#ttlMs };
    this.#pending.set(issued.nonce, issued, now);
    return issued;
  }

  /**
   * Takes `nonce` out of the store: true if it was issued here and had not expired. Any use
   * consumes it, a failed sign-in included, so that no signature can be tried twice against it.
   */
  consume(nonce: string, now = this.#clock()): boolean {
    const issued = this.#pending.get(nonce, now);
    this.#pending.delete(nonce);
    return issued !== undefined;
  }

  get pending(): number {
    return this.#pending.size;
  }
}

export interface Session {
  /** The random bearer token (base64url, 256 bits). */
  token: string;
  /** The signed-in account, lower case. */
  address: string;
  /** The chain the SIWE message named. */
  chainId: number;
  issuedAt: number;
  /** When the account signed the SIWE message this session descends from (renewals keep it). */
  signedInAt: number;
  /** ms since the epoch. */
  expiresAt: number;
}

/** How long renewals may extend a sign-in before the wallet must sign again: 7 days. */
export const MAX_SIGN_IN_AGE_MS = 7 * 24 * 3600 * 1000;

/** Sessions opened by SIWE sign-ins, found by their bearer token. */
export class SessionStore {
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #sessions: ExpiringMap<Session>;

  constructor(ttlSeconds: number, clock: Clock = Date.now, capacity = MAX_SESSIONS) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#clock = clock;
    this.#sessions = new ExpiringMap(capacity);
  }

  open(address: string, chainId: number, now = this.#clock(), signedInAt = now): Session {
    const session: Session = {
      token: randomBytes(32).toString("base64url"),
      address: address.toLowerCase(),
      chainId,
      issuedAt: now,
      signedInAt,
      expiresAt: now + this.#ttlMs,
    };
    this.#sessions.set(session.token, session, now);
    return session;
  }

  find(token: string, now = this.#clock()): Session | undefined {
    return this.#sessions.get(token, now);
  }

  /**
   * A fresh session in place of the live one under `token` (which stops working), for the same
   * account and chain; undefined when `token` is not live or its sign-in is older than
   * MAX_SIGN_IN_AGE_MS (the wallet must sign again).
   */
  renew(token: string, now = this.#clock()): Session | undefined {
    const current = this.find(token, now);
    if (!current || now - current.signedInAt >= MAX_SIGN_IN_AGE_MS) return undefined;
    this.close(token);
    return this.open(current.address, current.chainId, now, current.signedInAt);
  }

  close(token: string): boolean {
    return this.#sessions.delete(token) !== undefined;
  }

  get size(): number {
    return this.#sessions.size;
  }
}
