/**
 * Every refusal of a peer's (or caller's) data, counted by reason and emitted as an event, since
 * OrbitDB itself only logs them. One `Refusals` per node, shared by the access controller, the
 * gossip validator, the entry storage and the stores.
 */

/** Deterministic refusals (the access controller decides them, and every honest node agrees). */
export type EntryRefusal =
  | "malformed-entry"
  | "op-not-allowed"
  | "id-mismatch"
  | "invalid-record"
  | "bad-signature"
  | "bad-delegation"
  | "wrong-database";

/** Local-policy and network refusals (the gossip validator, the index, the stores). */
export type PolicyRefusal =
  | "undecodable"
  | "entry-signature"
  | "denied-author"
  | "revoked-delegate"
  | "rate-limited"
  | "relay-budget"
  | "stale-record"
  | "unresolvable-ancestor"
  | "invalid-ancestor"
  | "fetch-timeout";

export type RefusalReason = EntryRefusal | PolicyRefusal;

export interface RefusalEvent {
  reason: RefusalReason;
  /** The database (family) concerned, when known. */
  family?: string;
  /** The OrbitDB entry hash, when known. */
  entry?: string;
  /** The record author, when known. */
  author?: string;
  /** The peer that sent it, when known. */
  peer?: string;
}

export class Refusals extends EventTarget {
  readonly #counts = new Map<RefusalReason, number>();

  /** Counts a refusal and dispatches a `refused` CustomEvent with its `RefusalEvent` detail. */
  record(event: RefusalEvent): void {
    this.#counts.set(event.reason, (this.#counts.get(event.reason) ?? 0) + 1);
    this.dispatchEvent(new CustomEvent<RefusalEvent>("refused", { detail: event }));
  }

  /** Refusals so far, by reason. */
  counts(): Partial<Record<RefusalReason, number>> {
    return Object.fromEntries(this.#counts);
  }

  total(): number {
    let n = 0;
    for (const v of this.#counts.values()) n += v;
    return n;
  }
}
