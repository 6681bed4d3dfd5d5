/**
 * Peer penalties, fed by the gossip validator and read by gossipsub as its application-specific
 * score (P5). A peer whose score falls below the graylist threshold has every RPC dropped by
 * gossipsub before decoding, so a sustained flood of forgeries costs this node almost nothing.
 *
 * Penalties decay exponentially with time, computed when read: no timer runs, and each node has
 * its own table (two nodes in one process never share scores).
 */
import type { GossipsubOpts } from "@libp2p/gossipsub";
import { InvalidOptionError } from "../errors.ts";
import { LruMap } from "./lru-map.ts";

export interface PeerScoringOptions {
  /** Points for a message invalid by the shared rules (Reject): a forgery. */
  rejectPenalty: number;
  /** Points for a message whose ancestors could not be fetched in time (Ignore). */
  unfetchablePenalty: number;
  /** Points for a valid message this node's local policy refuses (Ignore). */
  policyPenalty: number;
  /** Time for a peer's points to halve (ms). */
  halfLifeMs: number;
  /** Gossipsub score below which a peer is graylisted; the score is minus the points. */
  graylistThreshold: number;
}

/**
 * Ten forgeries in quick succession graylist a peer (10 x 10 = 100 > 95, allowing ~5% decay
 * while they arrive); an honest relay whose deny list or clock differs from ours must relay a
 * refused record about 11 times a second, for minutes, to get there.
 */
export const DEFAULT_PEER_SCORING: PeerScoringOptions = {
  rejectPenalty: 10,
  unfetchablePenalty: 1,
  policyPenalty: 0.1,
  halfLifeMs: 60_000,
  graylistThreshold: -95,
};

/** Peers tracked at most; the least recently penalised are forgotten first. */
const MAX_PEERS = 10_000;
/** Points below which a peer's entry is dropped. */
const NEGLIGIBLE = 0.01;

export type PenaltyKind = "reject" | "unfetchable" | "policy";

export class PeerPenalties {
  readonly options: PeerScoringOptions;
  readonly #points = new LruMap<string, { points: number; at: number }>(MAX_PEERS);
  readonly #now: () => number;

  constructor(options: Partial<PeerScoringOptions> = {}, now: () => number = Date.now) {
    this.options = { ...DEFAULT_PEER_SCORING, ...options };
    for (const [field, value] of Object.entries(this.options)) {
      if (!Number.isFinite(value)) throw new InvalidOptionError(`scoring.${field} must be a finite number`, field);
    }
    if (this.options.halfLifeMs <= 0) throw new InvalidOptionError("scoring.halfLifeMs must be > 0", "halfLifeMs");
    if (this.options.graylistThreshold > -50) {
      // gossipsub requires graylist <= publish threshold (-50 by default)
      throw new InvalidOptionError("scoring.graylistThreshold must be <= -50", "graylistThreshold");
    }
    this.#now = now;
  }

  /** Adds the penalty of `kind` to `peer`. */
  penalize(peer: string, kind: PenaltyKind): void {
    const amount =
      kind === "reject"
        ? this.options.rejectPenalty
        : kind === "unfetchable"
          ? this.options.unfetchablePenalty
          : this.options.policyPenalty;
    if (amount <= 0) return;
    this.#points.set(peer, { points: this.points(peer) + amount, at: this.#now() });
  }

  /** `peer`'s current points, decayed to now. */
  points(peer: string): number {
    const entry = this.#points.get(peer);
    if (!entry) return 0;
    const points = entry.points * 2 ** (-(this.#now() - entry.at) / this.options.halfLifeMs);
    if (points < NEGLIGIBLE) {
      this.#points.delete(peer);
      return 0;
    }
    return points;
  }

  /** The application-specific score gossipsub reads (weight 1): minus the points. */
  score(peer: string): number {
    return -this.points(peer);
  }

  /** Whether `peer`'s own score alone puts it below the graylist threshold. */
  isGraylisted(peer: string): boolean {
    return this.score(peer) < this.options.graylistThreshold;
  }

  /** Peers with points, most penalised first. */
  peers(): { peer: string; points: number }[] {
    const out: { peer: string; points: number }[] = [];
    for (const [peer] of [...this.#points.entries()]) {
      const points = this.points(peer);
      if (points > 0) out.push({ peer, points });
    }
    return out.sort((a, b) => b.points - a.points);
  }

  clear(): void {
    this.#points.clear();
  }

  /** The gossipsub options that make these penalties count: pass them to `gossipsub(...)`. */
  gossipsubOptions(): Pick<GossipsubOpts, "scoreParams" | "scoreThresholds"> {
    return {
      scoreParams: { appSpecificScore: (peer: string) => this.score(peer), appSpecificWeight: 1 },
      scoreThresholds: { graylistThreshold: this.options.graylistThreshold },
    };
  }
}
