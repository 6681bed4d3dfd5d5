/**
 * Stoa's OrbitDB access controller: open membership, authority from the record's own EIP-712
 * signature. `canAppend` is deterministic and local, a pure function of the entry and the
 * database (network, family): entry envelope, strict schemas, record id == digest, signature by
 * the author or a delegate it authorised. It never fetches anything (no writer identity, which
 * OrbitDB does not bind to the entry's key anyway), so it cannot be stalled, and it never applies
 * local policy (deny lists, rate limits), so honest nodes never disagree and the log never splits.
 */
import * as dagCbor from "@ipld/dag-cbor";
import {
  ComposedStorage,
  IPFSBlockStorage,
  LRUStorage,
  useAccessController,
  type AccessControllerFactory,
  type LogEntry,
  type Storage,
} from "@orbitdb/core";
import {
  DelegationError,
  FAMILIES,
  InvalidRecordError,
  SignatureError,
  verifyEnvelope,
  type Family,
  type VerifiedEnvelope,
} from "@stoa/protocol";
import { base58btc } from "multiformats/bases/base58";
import * as Block from "multiformats/block";
import { sha256 } from "multiformats/hashes/sha2";
import type { EntryRefusal, Refusals } from "./refusals.ts";

export const STOA_ACCESS_CONTROLLER = "stoa";
/** Most `next` + `refs` an entry may carry (OrbitDB writes a handful). */
export const MAX_ENTRY_LINKS = 64;

export type EntryDecision =
  { ok: true; envelope: VerifiedEnvelope } | { ok: false; reason: EntryRefusal; message: string };

/** The shared rules of a database, stored as its access controller's manifest. */
export interface AccessManifest {
  type: typeof STOA_ACCESS_CONTROLLER;
  v: 1;
  network: string;
  family: Family;
}

/** The document OrbitDB stores: the envelope under its id. */
export type EnvelopeDocument = { _id: string } & Record<string, unknown>;

/**
 * Decides whether `entry` may join the log of `family` on `network`. Pure and local. With `own`,
 * an entry whose document is the very object this node verified and vouched for before appending
 * it (`DecisionCache.vouch`) takes that decision; any other entry, and every entry decoded from
 * bytes, is verified in full.
 */
export function checkEntry(network: string, family: Family, entry: LogEntry, own?: DecisionCache): EntryDecision {
  if (
    entry === null ||
    typeof entry !== "object" ||
    !Array.isArray(entry.next) ||
    !Array.isArray(entry.refs) ||
    entry.next.length + entry.refs.length > MAX_ENTRY_LINKS ||
    typeof entry.payload !== "object" ||
    entry.payload === null
  ) {
    return { ok: false, reason: "malformed-entry", message: "not an OrbitDB entry with bounded links" };
  }
  const { op, key, value } = entry.payload as { op?: unknown; key?: unknown; value?: unknown };
  // No DEL: an unsigned delete would erase someone else's record.
  if (op !== "PUT") return { ok: false, reason: "op-not-allowed", message: `operation ${String(op)} is not allowed` };
  if (typeof value !== "object" || value === null || typeof (value as EnvelopeDocument)._id !== "string") {
    return { ok: false, reason: "malformed-entry", message: "the value is not a document with an _id" };
  }
  if (key !== (value as EnvelopeDocument)._id) {
    return { ok: false, reason: "id-mismatch", message: "the entry key is not the document id" };
  }
  const vouched = own?.vouched(network, family, value);
  if (vouched) return vouched;
  const { _id: id, ...envelope } = value as EnvelopeDocument;
  return checkEnvelope(network, family, id, envelope);
}

/** Verifies an envelope stored under `id`. */
export function checkEnvelope(network: string, family: Family, id: string, envelope: unknown): EntryDecision {
  let verified: VerifiedEnvelope;
  try {
    verified = verifyEnvelope(network, family, envelope);
  } catch (error) {
    if (error instanceof SignatureError) return { ok: false, reason: "bad-signature", message: error.message };
    if (error instanceof DelegationError) return { ok: false, reason: "bad-delegation", message: error.message };
    if (error instanceof InvalidRecordError) return { ok: false, reason: "invalid-record", message: error.message };
    return { ok: false, reason: "invalid-record", message: String(error) };
  }
  if (verified.id !== id) return { ok: false, reason: "id-mismatch", message: "the document id is not its digest" };
  return { ok: true, envelope: verified };
}

/**
 * Verified envelopes by entry hash, shared by the controller, the gossip validator and the store
 * so that one entry is verified once. Only deterministic outcomes are cached.
 *
 * An entry this node appends has no hash until OrbitDB has stored it, after `canAppend` and, for
 * the store, after the `update` event. So the store hands its decision over by object instead:
 * it vouches for the frozen document it verified, and `checkEntry` takes that decision for an
 * entry carrying that same object. Nothing decoded from bytes is ever that object.
 */
export class DecisionCache {
  readonly #max: number;
  readonly #entries = new Map<string, EntryDecision>();
  readonly #own = new WeakMap<object, { network: string; family: Family; decision: EntryDecision }>();
  constructor(max = 20_000) {
    this.#max = max;
  }
  /** The decision on the entry `hash`; none without a hash (an entry being appended has none yet). */
  get(hash: string): EntryDecision | undefined {
    return typeof hash === "string" ? this.#entries.get(hash) : undefined;
  }
  /** Remembers a decision by entry hash; without a hash, nothing. */
  set(hash: string, decision: EntryDecision): void {
    if (typeof hash !== "string") return;
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, decision);
  }
  /**
   * Vouches that `document`, a frozen object this node built and is about to append to `family`,
   * holds `envelope`, verified. Held weakly: it goes when the document does.
   */
  vouch(document: Readonly<EnvelopeDocument>, network: string, family: Family, envelope: VerifiedEnvelope): void {
    if (!Object.isFrozen(document) || envelope.id !== document._id) {
      throw new TypeError("only a frozen document under its envelope's id can be vouched for");
    }
    this.#own.set(document, { network, family, decision: { ok: true, envelope } });
  }
  /** The decision vouched for `document` (the same object) in `family` on `network`, if any. */
  vouched(network: string, family: Family, document: object): EntryDecision | undefined {
    const own = this.#own.get(document);
    return own && own.network === network && own.family === family ? own.decision : undefined;
  }
}

export interface StoaAccessOptions {
  network: string;
  family: Family;
  refusals?: Refusals;
  cache?: DecisionCache;
}

async function manifestStorage(ipfs: unknown): Promise<Storage> {
  return ComposedStorage(await LRUStorage({ size: 100 }), await IPFSBlockStorage({ ipfs, pin: true }));
}

/**
 * The controller factory OrbitDB calls when a Stoa database is opened. With `options`, it writes
 * the manifest (the first open by name); without them (OrbitDB opening by address), it reads the
 * network and family from the manifest.
 */
export function stoaAccessController(options?: StoaAccessOptions): AccessControllerFactory & { type: string } {
  const factory = async ({ orbitdb, address }: { orbitdb: { ipfs: unknown }; address?: string }) => {
    const storage = await manifestStorage(orbitdb.ipfs);
    let manifest: AccessManifest;
    if (address) {
      const bytes = await storage.get(address.replace(`/${STOA_ACCESS_CONTROLLER}/`, ""));
      if (!bytes) throw new Error(`access controller manifest ${address} is not available`);
      manifest = (await Block.decode<AccessManifest, number, number>({ bytes, codec: dagCbor, hasher: sha256 })).value;
      if (options && (manifest.network !== options.network || manifest.family !== options.family)) {
        throw new Error(`database ${address} belongs to ${manifest.network}/${manifest.family}`);
      }
    } else {
      if (!options) throw new Error("a new Stoa database needs its network and family");
      manifest = { type: STOA_ACCESS_CONTROLLER, v: 1, network: options.network, family: options.family };
      const { cid, bytes } = await Block.encode({ value: manifest, codec: dagCbor, hasher: sha256 });
      await storage.put(cid.toString(base58btc), bytes);
      address = `/${STOA_ACCESS_CONTROLLER}/${cid.toString(base58btc)}`;
    }
    if (!Object.hasOwn(FAMILIES, manifest.family)) throw new Error(`unknown family in manifest: ${manifest.family}`);
    const cache = options?.cache ?? new DecisionCache();
    // OrbitDB awaits canAppend; the decision itself is synchronous and local. OrbitDB asks before
    // a local append has a hash: the cache ignores a missing hash, the store's write is vouched for.
    const canAppend = (entry: LogEntry): Promise<boolean> => {
      let decision = cache.get(entry.hash);
      if (!decision) {
        decision = checkEntry(manifest.network, manifest.family, entry, cache);
        cache.set(entry.hash, decision);
        if (!decision.ok) {
          options?.refusals?.record({ reason: decision.reason, family: manifest.family, entry: entry.hash });
        }
      }
      return Promise.resolve(decision.ok);
    };
    await storage.close();
    return { type: STOA_ACCESS_CONTROLLER, address, write: ["*"], canAppend, manifest };
  };
  factory.type = STOA_ACCESS_CONTROLLER;
  return factory;
}

let registered = false;
/**
 * Registers the controller type with OrbitDB (process-wide), for databases OrbitDB opens by
 * address. Stoa opens its databases by name with `stoaAccessController(options)`.
 */
export function registerStoaAccessController(): void {
  if (registered) return;
  useAccessController(stoaAccessController());
  registered = true;
}
