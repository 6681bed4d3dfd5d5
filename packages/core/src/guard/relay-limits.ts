/**
 * The rate limits of the gossip validator, one set per node, shared by every family's database:
 * records per author, and records from authors this node does not know yet per relaying peer
 * (the relay budget: the measurable defence against valid spam from fresh wallets, which
 * per-author limits cannot stop).
 *
 * Only authenticated records are charged (the validator calls this after verification), so a
 * forger cannot spend a victim's quota, and each record id is charged once per node, however
 * many times and by whichever peers it arrives.
 */
import type { Policy } from "../policy.ts";
import { LruMap } from "./lru-map.ts";
import { TokenBuckets } from "./rate-limit.ts";

/** What the limits need of a verified record. */
export interface ChargedRecord {
  id: string;
  author: string;
}

export interface LimitDecision {
  refusal?: "rate-limited" | "relay-budget";
  /** The author over its limit, for a rate-limited refusal. */
  author?: string;
}

export interface RelayLimitStats {
  /** Authors and peers with a bucket tracked (the rest are full). */
  authors: number;
  relays: number;
  /** Authors whose first accepted record this node remembers. */
  seenAuthors: number;
  /** Record ids already charged. */
  charged: number;
}

const MAX_AUTHORS = 100_000;
const MAX_CHARGED = 200_000;

export class RelayLimits {
  readonly #policy: Policy;
  readonly #now: () => number;
  readonly #authors: TokenBuckets;
  readonly #relays: TokenBuckets;
  readonly #firstSeen = new LruMap<string, number>(MAX_AUTHORS);
  readonly #charged = new LruMap<string, true>(MAX_CHARGED);

  constructor(policy: Policy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
    this.#authors = new TokenBuckets(policy.limits.authorRate, now);
    this.#relays = new TokenBuckets(policy.limits.relayBudget, now);
  }

  /** Whether `author` is registered, or this node accepted its first record long enough ago. */
  isKnown(author: string): boolean {
    const a = author.toLowerCase();
    if (this.#policy.isRegistered(a)) return true;
    const first = this.#firstSeen.get(a);
    return first !== undefined && this.#now() - first >= this.#policy.limits.knownAuthorAfterMs;
  }

  /**
   * Decides whether `peer` may bring in `head` (the gossiped entry's records: each author's limit
   * applies) and `ancestors` (records the entry brought along: they count against their authors'
   * limits without refusing, so that one author's spam cannot block others' entries built on it).
   * Records from unknown authors, head and ancestors alike, count against `peer`'s relay budget.
   * With `charge`, an admitted message is charged and its authors remembered; without, nothing
   * changes (a cheap early check).
   */
  admit(peer: string, head: ChargedRecord[], ancestors: ChargedRecord[] = [], charge = true): LimitDecision {
    const fresh = new Map<string, string>(); // id -> author, records not charged yet
    for (const r of [...head, ...ancestors]) {
      if (!this.#charged.has(r.id)) fresh.set(r.id, r.author.toLowerCase());
    }
    const byAuthor = new Map<string, number>();
    for (const r of head) {
      const author = fresh.get(r.id);
      if (author !== undefined) byAuthor.set(author, (byAuthor.get(author) ?? 0) + 1);
    }
    for (const [author, n] of byAuthor) {
      if (!this.#authors.fits(author, n, true)) return { refusal: "rate-limited", author };
    }
    const headIds = new Set(head.map((r) => r.id));
    let unknown = 0;
    let unknownInHead = 0;
    for (const [id, author] of fresh) {
      if (this.isKnown(author)) continue;
      unknown++;
      if (headIds.has(id)) unknownInHead++;
    }
    // a full budget admits one envelope however big, never a chain of them
    if (!this.#relays.fits(peer, unknown, unknown === unknownInHead)) return { refusal: "relay-budget" };
    if (!charge) return {};

    const perAuthor = new Map<string, number>();
    for (const author of fresh.values()) perAuthor.set(author, (perAuthor.get(author) ?? 0) + 1);
    for (const [author, n] of perAuthor) this.#authors.take(author, n);
    this.#relays.take(peer, unknown);
    const now = this.#now();
    for (const [id, author] of fresh) {
      this.#charged.set(id, true);
      if (!this.#firstSeen.has(author)) this.#firstSeen.set(author, now);
    }
    return {};
  }

  /**
   * Whether `n` records by `author` in one envelope, relayed by `peer`, would be refused now: a
   * cheap check on what an entry claims, before its signatures are verified. It charges nothing.
   */
  wouldRefuse(peer: string, author: string, n: number): LimitDecision {
    const a = author.toLowerCase();
    if (!this.#authors.fits(a, n, true)) return { refusal: "rate-limited", author: a };
    if (!this.isKnown(a) && !this.#relays.fits(peer, n, true)) return { refusal: "relay-budget" };
    return {};
  }

  /** Tokens `peer` has left in its relay budget. */
  relayBudgetOf(peer: string): number {
    return this.#relays.available(peer);
  }

  stats(): RelayLimitStats {
    return {
      authors: this.#authors.size,
      relays: this.#relays.size,
      seenAuthors: this.#firstSeen.size,
      charged: this.#charged.size,
    };
  }
}
