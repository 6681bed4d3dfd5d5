/**
 * This node's policy on a gossiped entry (never on its ancestors): deny list, revoked app keys,
 * freshness, per-author rate and per-relay budget. The same rules run twice: first on what the
 * entry claims, before any signature check, so that a flood the policy would refuse anyway costs
 * a decode, not two signature verifications; then on the verified envelope.
 */
import type { LogEntry } from "@orbitdb/core";
import type { VerifiedEnvelope } from "@stoa/protocol";
import type { Policy } from "../policy.ts";
import type { RefusalReason } from "./refusals.ts";
import type { RelayLimits } from "./relay-limits.ts";

export interface LocalRefusal {
  reason: RefusalReason;
  author: string;
}

/** What an entry's envelope says about itself, unverified: its author and record dates. */
export interface EnvelopeClaim {
  author: string;
  createdAt: number[];
}

/** The claim of `entry`'s envelope, if it has the shape of one. */
export function claimOf(entry: LogEntry): EnvelopeClaim | undefined {
  const value = (entry.payload as { value?: unknown } | null)?.value;
  if (typeof value !== "object" || value === null) return undefined;
  const { author, createdAt, items } = value as { author?: unknown; createdAt?: unknown; items?: unknown };
  if (typeof author !== "string") return undefined;
  const dates = Array.isArray(items)
    ? items.map((item: unknown) => (item as { createdAt?: unknown } | null)?.createdAt)
    : [createdAt];
  if (dates.length === 0 || !dates.every((d): d is number => typeof d === "number")) return undefined;
  return { author: author.toLowerCase(), createdAt: dates };
}

/** Deny list, freshness and limits on `claim`, relayed by `from`. Charges nothing. */
export function claimRefusal(
  policy: Policy,
  limits: RelayLimits,
  from: string,
  claim: EnvelopeClaim,
  now = Date.now(),
): LocalRefusal | undefined {
  const { author } = claim;
  if (policy.isDenied(author)) return { reason: "denied-author", author };
  const newest = Math.max(...claim.createdAt);
  if (newest > now + policy.limits.maxFutureMs || newest < now - policy.limits.maxAgeMs) {
    return { reason: "stale-record", author };
  }
  const limit = limits.wouldRefuse(from, author, claim.createdAt.length);
  return limit.refusal ? { reason: limit.refusal, author: limit.author ?? author } : undefined;
}

/** The whole policy on a verified envelope relayed by `from`. Charges nothing. */
export function envelopeRefusal(
  policy: Policy,
  limits: RelayLimits,
  from: string,
  envelope: VerifiedEnvelope,
): LocalRefusal | undefined {
  const author = envelope.author.toLowerCase();
  for (const r of envelope.records) {
    if (policy.isRevoked(r.author, r.signer, r.createdAt)) return { reason: "revoked-delegate", author };
  }
  const claimed = claimRefusal(policy, limits, from, { author, createdAt: envelope.records.map((r) => r.createdAt) });
  if (claimed) return claimed;
  const early = limits.admit(from, envelope.records, [], false);
  return early.refusal ? { reason: early.refusal, author: early.author ?? author } : undefined;
}
