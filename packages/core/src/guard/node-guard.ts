/**
 * The gossip guard of one node: a validator per family database, and the state they share
 * (peer penalties that gossipsub reads as its application score, rate limits and relay budgets).
 * Each StoaNode has its own, so that nodes in one process never share scores or quotas.
 */
import type { GossipsubOpts, TopicValidatorFn } from "@libp2p/gossipsub";
import type { Family } from "@stoa/protocol";
import type { Policy } from "../policy.ts";
import { RelayLimits, type RelayLimitStats } from "./relay-limits.ts";
import { PeerPenalties, type PeerScoringOptions } from "./scoring.ts";
import { GossipValidator, type GossipValidatorDeps, type GuardOptions, type GuardStats } from "./validator.ts";

export interface NodeGuardOptions extends GuardOptions {
  /** Peer penalties and the graylist threshold. */
  scoring: Partial<PeerScoringOptions>;
}

export interface PeerGuardStats {
  peer: string;
  /** Penalty points, decayed to now. */
  points: number;
  /** The peer's gossipsub score (all components), when known. */
  score?: number;
  /** Whether gossipsub drops everything the peer sends. */
  graylisted: boolean;
}

export interface NodeGuardStats {
  families: Partial<Record<Family, GuardStats>>;
  limits: RelayLimitStats;
  /** Penalised peers, most penalised first. */
  peers: PeerGuardStats[];
}

export type FamilyGuardDeps = Omit<GossipValidatorDeps, "policy" | "penalties" | "limits">;

export class NodeGuard {
  readonly penalties: PeerPenalties;
  readonly limits: RelayLimits;
  readonly #policy: Policy;
  readonly #options: Partial<GuardOptions>;
  readonly #validators = new Map<Family, GossipValidator>();
  #scoreOf?: (peer: string) => number;

  constructor(policy: Policy, options: Partial<NodeGuardOptions> = {}) {
    const { scoring, ...guard } = options;
    this.#policy = policy;
    this.#options = guard;
    this.penalties = new PeerPenalties(scoring);
    this.limits = new RelayLimits(policy);
  }

  /** Gossipsub options that turn penalties into graylisting; pass them to `gossipsub(...)`. */
  gossipsubOptions(): Pick<GossipsubOpts, "scoreParams" | "scoreThresholds"> {
    return this.penalties.gossipsubOptions();
  }

  /** Installs the validator of a family's database on `pubsub`; call right after opening it. */
  protect(deps: FamilyGuardDeps, pubsub: { topicValidators: Map<string, TopicValidatorFn> }): GossipValidator {
    this.#validators.get(deps.family)?.uninstall();
    const validator = new GossipValidator(
      { ...deps, policy: this.#policy, penalties: this.penalties, limits: this.limits },
      this.#options,
    );
    validator.install(pubsub);
    this.#validators.set(deps.family, validator);
    this.#scoreOf = scoreReader(pubsub);
    return validator;
  }

  /** Removes every validator and aborts their fetches (on stop). Stats stay readable. */
  uninstall(): void {
    for (const validator of this.#validators.values()) validator.uninstall();
    this.#scoreOf = undefined;
  }

  /** Validator counters by family, limits, and penalised peers with their gossipsub scores while running. */
  stats(): NodeGuardStats {
    const scoreOf = this.#scoreOf;
    const families: Partial<Record<Family, GuardStats>> = {};
    for (const [family, validator] of this.#validators) families[family] = validator.stats();
    const threshold = this.penalties.options.graylistThreshold;
    const peers = this.penalties.peers().map(({ peer, points }): PeerGuardStats => {
      const score = scoreOf?.(peer);
      return { peer, points, score, graylisted: (score ?? -points) < threshold };
    });
    return { families, limits: this.limits.stats(), peers };
  }
}

/** Gossipsub's `getScore`, which its public interface does not declare. */
function scoreReader(pubsub: object): ((peer: string) => number) | undefined {
  const { getScore } = pubsub as { getScore?: unknown };
  if (typeof getScore !== "function") return undefined;
  return (peer) => Number(getScore.call(pubsub, peer));
}
