/**
 * Guard 2: the gossipsub topic validator of one family's database (the topic is the database
 * address). Gossipsub runs it for every message, concurrently, before dispatching the message to
 * OrbitDB's sync queue and before forwarding it to mesh peers; whatever it does not Accept never
 * reaches OrbitDB by gossip and is not relayed.
 *
 * In order, cheapest first: decode; entries already held are accepted at once; the entry's log
 * id, its OrbitDB signature (local) and the deterministic record rules (`checkEntry`, each entry
 * verified once per node through the shared DecisionCache) -> Reject; then this node's policy on
 * the gossiped entry (deny list, revoked app keys, freshness, per-author rate, per-relay budget)
 * -> Ignore; then the missing ancestors, fetched with a short timeout and checked with the same
 * deterministic rules: an invalid one -> Reject, an unfetchable one -> Ignore (never cached: it
 * may be fetchable later). Nothing here feeds OrbitDB's `canAppend`, so nodes with different
 * policies never disagree on the log.
 *
 * Every outcome other than Accept is counted in `Refusals` (with family, entry, author and peer)
 * and costs the sending peer points in `PeerPenalties`: heavy for a forgery, light for a policy
 * refusal, which an honest relay with a different deny list or clock may well send.
 */
import { TopicValidatorResult, type Message, type TopicValidatorFn } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import { Entry, type LogEntry } from "@orbitdb/core";
import type { Family } from "@stoa/protocol";
import { InvalidOptionError } from "../errors.ts";
import type { Policy } from "../policy.ts";
import { checkEntry, type DecisionCache, type EntryDecision } from "./access-controller.ts";
import { walkAncestors } from "./ancestors.ts";
import { claimOf, claimRefusal, envelopeRefusal } from "./local-policy.ts";
import { LruMap } from "./lru-map.ts";
import type { RefusalReason, Refusals } from "./refusals.ts";
import type { RelayLimits } from "./relay-limits.ts";
import type { PeerPenalties, PenaltyKind } from "./scoring.ts";
import { BlockFetcher, type BlockFetchStats, type BlockSource } from "./single-flight.ts";

export interface GuardOptions {
  /** Wait for one missing ancestor block (ms). */
  blockTimeoutMs: number;
  /** Wait of the one retry after a block timed out (ms); 0 for none. */
  retryTimeoutMs: number;
  /** Ancestors the validator fetches before it accepts the entry and leaves the rest to OrbitDB. */
  maxWalk: number;
  /** Entry hashes remembered as validated, and as forged, per database. */
  memory: number;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = {
  blockTimeoutMs: 3_000,
  retryTimeoutMs: 500,
  maxWalk: 512,
  memory: 10_000,
};

export interface GossipValidatorDeps {
  network: string;
  family: Family;
  /** The database address: the gossip topic and every entry's log id. */
  address: string;
  /** The database's log: whether an entry is already in it. */
  log: { has(hash: string): Promise<boolean> };
  /** OrbitDB's identities, to verify entry signatures. */
  identities: unknown;
  /** Blocks, local first, then bitswap (Helia's blockstore). */
  blocks: BlockSource;
  cache: DecisionCache;
  refusals: Refusals;
  policy: Policy;
  penalties: PeerPenalties;
  limits: RelayLimits;
}

export interface GuardStats {
  /** Messages validated (including those dropped from graylisted peers). */
  messages: number;
  accepted: number;
  rejected: number;
  ignored: number;
  /** Accepted at once: already in the log, or validated before. */
  known: number;
  /** Ignored unread: the sender was already graylisted by its penalties. */
  dropped: number;
  /** Ancestors fetched and checked. */
  walked: number;
  /** Entries accepted with more than `maxWalk` missing ancestors, left for OrbitDB to fetch. */
  handedOver: number;
  /** Validations that failed on an unexpected error (Ignored, not counted as refusals). */
  errors: number;
  fetch: BlockFetchStats;
  /** Time spent per validation (ms): total, slowest, and percentiles of the last 1,024. */
  ms: { total: number; max: number; p50: number; p95: number };
}

type Outcome = {
  result: TopicValidatorResult;
  reason?: RefusalReason;
  entry?: string;
  author?: string;
  penalty?: PenaltyKind;
};

type Check = EntryDecision | { ok: false; reason: RefusalReason };

const ACCEPT: Outcome = { result: TopicValidatorResult.Accept };
const SAMPLES = 1024;

export class GossipValidator {
  readonly topic: string;
  readonly options: GuardOptions;
  readonly #deps: GossipValidatorDeps;
  readonly #fetcher: BlockFetcher;
  /** Entries accepted here that OrbitDB may not have joined yet. */
  readonly #validated: LruMap<string, true>;
  /** Entries refused for a deterministic reason (the same bytes always fail). */
  readonly #forged: LruMap<string, RefusalReason>;
  readonly #stats = {
    messages: 0,
    accepted: 0,
    rejected: 0,
    ignored: 0,
    known: 0,
    dropped: 0,
    walked: 0,
    handedOver: 0,
    errors: 0,
    totalMs: 0,
    maxMs: 0,
  };
  readonly #samples: number[] = [];
  #pubsub?: { topicValidators: Map<string, TopicValidatorFn> };
  #stopped = false;

  constructor(deps: GossipValidatorDeps, options: Partial<GuardOptions> = {}) {
    this.options = checkOptions({ ...DEFAULT_GUARD_OPTIONS, ...options });
    this.#deps = deps;
    this.topic = deps.address;
    this.#validated = new LruMap(this.options.memory);
    this.#forged = new LruMap(this.options.memory);
    this.#fetcher = new BlockFetcher(deps.blocks, {
      timeoutMs: this.options.blockTimeoutMs,
      retryMs: this.options.retryTimeoutMs,
    });
  }

  /** Installs the validator for the database's topic. */
  install(pubsub: { topicValidators: Map<string, TopicValidatorFn> }): void {
    this.#pubsub = pubsub;
    pubsub.topicValidators.set(this.topic, this.validate);
  }

  /** Removes the validator and aborts its block fetches. */
  uninstall(): void {
    this.#stopped = true;
    if (this.#pubsub?.topicValidators.get(this.topic) === this.validate) {
      this.#pubsub.topicValidators.delete(this.topic);
    }
    this.#fetcher.stop();
  }

  /** The topic validator (gossipsub calls it with the propagating peer and the message). */
  readonly validate = async (peer: PeerId | string, message: Pick<Message, "data">): Promise<TopicValidatorResult> => {
    const started = performance.now();
    const from = peer.toString();
    let outcome: Outcome;
    if (this.#deps.penalties.isGraylisted(from)) {
      this.#stats.dropped++;
      outcome = { result: TopicValidatorResult.Ignore };
    } else {
      try {
        outcome = await this.#decide(from, message.data);
      } catch {
        this.#stats.errors++;
        outcome = { result: TopicValidatorResult.Ignore };
      }
    }
    if (this.#stopped) return TopicValidatorResult.Ignore;
    this.#account(from, outcome, performance.now() - started);
    return outcome.result;
  };

  stats(): GuardStats {
    const { totalMs, maxMs, ...counts } = this.#stats;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      ...counts,
      fetch: this.#fetcher.stats(),
      ms: { total: totalMs, max: maxMs, p50: at(0.5), p95: at(0.95) },
    };
  }

  async #decide(from: string, data: Uint8Array): Promise<Outcome> {
    let entry: LogEntry;
    try {
      entry = await Entry.decode(data);
    } catch {
      return reject("undecodable");
    }
    if (!Entry.isEntry(entry)) return reject("undecodable", entry.hash);
    const forged = this.#forged.get(entry.hash);
    if (forged) return reject(forged, entry.hash);
    if (await this.#isHeld(entry.hash)) {
      this.#stats.known++;
      return ACCEPT;
    }

    const { policy, limits } = this.#deps;
    const claim = entry.id === this.#deps.address ? claimOf(entry) : undefined;
    const screened = claim && claimRefusal(policy, limits, from, claim);
    if (screened) return ignore(screened.reason, entry.hash, screened.author, "policy");

    const checked = await this.#verify(entry);
    if (!checked.ok) return reject(checked.reason, entry.hash);
    const envelope = checked.envelope;
    const refusal = envelopeRefusal(policy, limits, from, envelope);
    if (refusal) return ignore(refusal.reason, entry.hash, refusal.author, "policy");

    const walk = await walkAncestors(entry, {
      isHeld: (hash) => this.#isHeld(hash),
      forged: (hash) => this.#forged.get(hash),
      remember: (hash, reason) => this.#forged.set(hash, reason),
      verify: (ancestor) => this.#verify(ancestor),
      fetcher: this.#fetcher,
      maxWalk: this.options.maxWalk,
    });
    this.#stats.walked += walk.walked;
    if (!walk.ok) {
      if (walk.reason === "invalid-ancestor") {
        // the links are part of the entry's hash: this entry can never become valid
        this.#forged.set(entry.hash, "invalid-ancestor");
        return reject("invalid-ancestor", entry.hash, envelope.author);
      }
      return ignore("unresolvable-ancestor", entry.hash, envelope.author, "unfetchable");
    }

    const admitted = this.#deps.limits.admit(from, envelope.records, walk.records);
    if (admitted.refusal) {
      return ignore(admitted.refusal, entry.hash, admitted.author ?? envelope.author, "policy");
    }
    if (walk.handedOver) this.#stats.handedOver++;
    this.#validated.set(entry.hash, true);
    return ACCEPT;
  }

  /** The deterministic checks of one entry: log id, OrbitDB signature, record rules. */
  async #verify(entry: LogEntry): Promise<Check> {
    const { address, identities, cache, network, family } = this.#deps;
    const check = await (async (): Promise<Check> => {
      if (entry.id !== address) return { ok: false, reason: "wrong-database" };
      const signed = await Entry.verify(identities, entry).catch(() => false);
      if (!signed) return { ok: false, reason: "entry-signature" };
      let decision = cache.get(entry.hash);
      if (!decision) {
        decision = checkEntry(network, family, entry);
        cache.set(entry.hash, decision);
      }
      return decision;
    })();
    if (!check.ok) this.#forged.set(entry.hash, check.reason);
    return check;
  }

  async #isHeld(hash: string): Promise<boolean> {
    return this.#validated.has(hash) || (await this.#deps.log.has(hash));
  }

  #account(from: string, outcome: Outcome, ms: number): void {
    const stats = this.#stats;
    stats.messages++;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    if (this.#samples.length >= SAMPLES) this.#samples.shift();
    this.#samples.push(ms);
    if (outcome.result === TopicValidatorResult.Accept) stats.accepted++;
    else if (outcome.result === TopicValidatorResult.Reject) stats.rejected++;
    else stats.ignored++;
    if (outcome.reason) {
      const { reason, entry, author } = outcome;
      this.#deps.refusals.record({ reason, family: this.#deps.family, entry, author, peer: from });
    }
    if (outcome.penalty) this.#deps.penalties.penalize(from, outcome.penalty);
  }
}

function reject(reason: RefusalReason, entry?: string, author?: string): Outcome {
  return { result: TopicValidatorResult.Reject, reason, entry, author, penalty: "reject" };
}

function ignore(reason: RefusalReason, entry: string, author: string, penalty: PenaltyKind): Outcome {
  return { result: TopicValidatorResult.Ignore, reason, entry, author, penalty };
}

function checkOptions(options: GuardOptions): GuardOptions {
  for (const [field, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value < 0) throw new InvalidOptionError(`guard.${field} must be >= 0`, field);
  }
  if (options.blockTimeoutMs <= 0) throw new InvalidOptionError("guard.blockTimeoutMs must be > 0", "blockTimeoutMs");
  if (!Number.isInteger(options.memory) || options.memory < 1) {
    throw new InvalidOptionError("guard.memory must be an integer >= 1", "memory");
  }
  return options;
}
