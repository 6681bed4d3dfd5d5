/**
 * Local policy: who this node will not relay or show. It may differ between nodes (each follows
 * the DAO's deny list from its own view of the chain, at its own pace), so it is applied only where
 * divergence is harmless: the gossip validator (what this node relays) and the indexes (what its
 * queries return), never in the access controller (what the shared log accepts).
 */
import { InvalidOptionError } from "./errors.ts";
import type { RateLimit } from "./guard/rate-limit.ts";

/** Limits the gossip validator applies to what this node relays. */
export interface PolicyLimits {
  /** Records by one author relayed per window (the gossiped record; ancestors count, never refuse). */
  authorRate: RateLimit;
  /** Records by authors this node does not know yet that one peer may bring in per window. */
  relayBudget: RateLimit;
  /** An author is known once registered, or once this node accepted its first record this long ago (ms). */
  knownAuthorAfterMs: number;
  /** A gossiped record may be dated at most this far ahead of this node's clock (ms). */
  maxFutureMs: number;
  /** A gossiped record may be at most this old when it arrives as a new head (ms); ancestors may be older. */
  maxAgeMs: number;
}

export const DEFAULT_POLICY_LIMITS: PolicyLimits = {
  authorRate: { max: 240, windowMs: 60_000 },
  relayBudget: { max: 240, windowMs: 60_000 },
  knownAuthorAfterMs: 60 * 60_000,
  maxFutureMs: 5 * 60_000,
  maxAgeMs: 30 * 60_000,
};

function checkLimits(limits: PolicyLimits): PolicyLimits {
  for (const name of ["authorRate", "relayBudget"] as const) {
    const { max, windowMs } = limits[name];
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidOptionError(`${name}.max must be an integer >= 1`, `${name}.max`);
    }
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new InvalidOptionError(`${name}.windowMs must be > 0`, `${name}.windowMs`);
    }
  }
  for (const name of ["knownAuthorAfterMs", "maxFutureMs", "maxAgeMs"] as const) {
    if (!(limits[name] >= 0)) throw new InvalidOptionError(`${name} must be >= 0`, name);
  }
  return limits;
}

export interface Revocation {
  author: string;
  delegate: string;
  /** Records the delegate signed with createdAt after this (ms) are refused and hidden. */
  since: number;
}

/** The node applies changes to its indexes too (StoaNode.deny / allow / revoke). */
export class Policy {
  readonly limits: PolicyLimits;
  readonly #denied = new Set<string>();
  readonly #revoked = new Map<string, number>();
  readonly #registered = new Set<string>();

  constructor(limits: Partial<PolicyLimits> = {}) {
    this.limits = checkLimits({ ...DEFAULT_POLICY_LIMITS, ...limits });
  }

  /** Stops relaying and showing `author`'s records. */
  deny(author: string): void {
    const a = author.toLowerCase();
    if (this.#denied.has(a)) return;
    this.#denied.add(a);
  }

  /** Relays and shows `author`'s records again. */
  allow(author: string): void {
    const a = author.toLowerCase();
    this.#denied.delete(a);
  }

  isDenied(author: string): boolean {
    return this.#denied.has(author.toLowerCase());
  }

  denied(): string[] {
    return [...this.#denied];
  }

  /** Withdraws `delegate` for `author` from `since` (ms) on; the earliest revocation wins. */
  revoke({ author, delegate, since }: Revocation): void {
    const key = `${author.toLowerCase()}:${delegate.toLowerCase()}`;
    const current = this.#revoked.get(key);
    if (current !== undefined && current <= since) return;
    this.#revoked.set(key, since);
  }

  /** Whether a record by `author` signed by `signer` at `createdAt` falls under a revocation. */
  isRevoked(author: string, signer: string, createdAt: number): boolean {
    if (author.toLowerCase() === signer.toLowerCase()) return false;
    const since = this.#revoked.get(`${author.toLowerCase()}:${signer.toLowerCase()}`);
    return since !== undefined && createdAt > since;
  }

  revocations(): Revocation[] {
    return [...this.#revoked].map(([key, since]) => {
      const [author, delegate] = key.split(":") as [string, string];
      return { author, delegate, since };
    });
  }

  /**
   * Marks `author` as established (e.g. registered or staked on chain): its records no longer
   * count against relay budgets.
   */
  register(author: string): void {
    this.#registered.add(author.toLowerCase());
  }

  unregister(author: string): void {
    this.#registered.delete(author.toLowerCase());
  }

  isRegistered(author: string): boolean {
    return this.#registered.has(author.toLowerCase());
  }
}
