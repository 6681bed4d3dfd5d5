/**
 * Real parts for the guard tests: Helia light nodes on TCP 127.0.0.1 with gossipsub and bitswap,
 * OrbitDB on a temp directory, one Stoa family database per peer, the guard installed the way
 * StoaNode installs it, and an entry forger (OrbitDB entries built by hand, as a hostile peer
 * would, published on the database topic without ever entering the forger's own log).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import * as dagCbor from "@ipld/dag-cbor";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { tcp } from "@libp2p/tcp";
import type { Multiaddr } from "@multiformats/multiaddr";
import { createOrbitDB, Entry, type DocumentsDatabase, type OrbitDB } from "@orbitdb/core";
import {
  addressOfPrivateKey,
  buildRecord,
  databaseName,
  randomPrivateKey,
  signRecord,
  type Envelope,
  type Family,
  type Hex,
  type ProfileV1,
  type SignedRecord,
  verifyEnvelope,
} from "@stoa/protocol";
import { MemoryBlockstore } from "blockstore-core/memory";
import { MemoryDatastore } from "datastore-core/memory";
import { createHeliaLight } from "helia";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { DecisionCache, stoaAccessController, type EnvelopeDocument } from "../../src/guard/access-controller.ts";
import { NodeGuard, type NodeGuardOptions } from "../../src/guard/node-guard.ts";
import { Refusals } from "../../src/guard/refusals.ts";
import type { GossipValidator } from "../../src/guard/validator.ts";
import { loopbackOnlyGater } from "../../src/network.ts";
import { Policy, type PolicyLimits } from "../../src/policy.ts";

export const NETWORK = "stoa-test";
export const FAMILY: Family = "profiles";

export interface Wallet {
  key: Hex;
  address: Hex;
}

export function wallet(): Wallet {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key) };
}

let counter = 0;
/** A signed profile by `w`, unique, created now unless `createdAt` is given. */
export function profile(
  w: Wallet,
  overrides: Partial<ProfileV1> = {},
  createdAt = Date.now(),
): SignedRecord<"profile"> {
  const body: ProfileV1 = { name: `user ${++counter}`, ...overrides };
  return signRecord(NETWORK, buildRecord("profile", w.address, body, createdAt), w.key);
}

function createHelia(guard: NodeGuard) {
  const light = createHeliaLight({
    blockstore: new MemoryBlockstore(),
    datastore: new MemoryDatastore(),
    codecs: [dagCbor],
  });
  const network = withLibp2pLight(light, {
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    connectionGater: loopbackOnlyGater,
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, ...guard.gossipsubOptions() }),
    },
  });
  return withBitswap(network);
}

export type Helia = ReturnType<typeof createHelia>;

export interface PeerOptions {
  /** Install the gossip validator (default true). */
  guard?: boolean;
  guardOptions?: Partial<NodeGuardOptions>;
  limits?: Partial<PolicyLimits>;
}

/** One peer: Helia + OrbitDB + the family database, guarded like a StoaNode. */
export class GuardedPeer {
  readonly name: string;
  readonly helia: Helia;
  readonly orbitdb: OrbitDB;
  readonly db: DocumentsDatabase<EnvelopeDocument>;
  readonly policy: Policy;
  readonly refusals: Refusals;
  readonly cache: DecisionCache;
  readonly guard: NodeGuard;
  readonly validator?: GossipValidator;
  readonly #dir: string;

  private constructor(fields: {
    name: string;
    helia: Helia;
    orbitdb: OrbitDB;
    db: DocumentsDatabase<EnvelopeDocument>;
    policy: Policy;
    refusals: Refusals;
    cache: DecisionCache;
    guard: NodeGuard;
    validator?: GossipValidator;
    dir: string;
  }) {
    this.name = fields.name;
    this.helia = fields.helia;
    this.orbitdb = fields.orbitdb;
    this.db = fields.db;
    this.policy = fields.policy;
    this.refusals = fields.refusals;
    this.cache = fields.cache;
    this.guard = fields.guard;
    this.validator = fields.validator;
    this.#dir = fields.dir;
  }

  static async start(name: string, options: PeerOptions = {}): Promise<GuardedPeer> {
    const dir = mkdtempSync(join(tmpdir(), `stoa-guard-${name}-`));
    const policy = new Policy(options.limits);
    const refusals = new Refusals();
    const cache = new DecisionCache();
    const guard = new NodeGuard(policy, options.guardOptions);
    const helia = createHelia(guard);
    await helia.start();
    const orbitdb = await createOrbitDB({ ipfs: helia, id: name, directory: join(dir, "orbitdb") });
    const db = await orbitdb.open<EnvelopeDocument>(databaseName(NETWORK, FAMILY), {
      type: "documents",
      AccessController: stoaAccessController({ network: NETWORK, family: FAMILY, refusals, cache }),
    });
    const validator =
      options.guard === false
        ? undefined
        : guard.protect(
            {
              network: NETWORK,
              family: FAMILY,
              address: db.address,
              log: db.log,
              identities: orbitdb.identities,
              blocks: helia.blockstore,
              cache,
              refusals,
            },
            helia.libp2p.services.pubsub,
          );
    return new GuardedPeer({ name, helia, orbitdb, db, policy, refusals, cache, guard, validator, dir });
  }

  get peerId(): string {
    return this.helia.libp2p.peerId.toString();
  }

  get pubsub() {
    return this.helia.libp2p.services.pubsub;
  }

  /** The validator (throws when the peer runs without one). */
  get v(): GossipValidator {
    if (!this.validator) throw new Error(`${this.name} has no validator`);
    return this.validator;
  }

  async dial(other: GuardedPeer | Multiaddr): Promise<void> {
    await this.helia.libp2p.dial(other instanceof GuardedPeer ? other.helia.libp2p.getMultiaddrs()[0]! : other);
  }

  /** Waits until `other` is subscribed to the database topic as seen from here. */
  async waitForSubscriber(other: GuardedPeer, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!this.pubsub.getSubscribers(this.db.address).some((p) => p.toString() === other.peerId)) {
      if (Date.now() - started > timeoutMs) throw new Error(`${other.name} never subscribed on ${this.name}`);
      await sleep(20);
    }
  }

  /** Writes `envelope` through this peer's own database (the honest path); returns the entry hash. */
  async put(envelope: Envelope): Promise<string> {
    return this.db.put({ _id: envelopeId(envelope), ...(envelope as unknown as Record<string, unknown>) });
  }

  /** Stores an entry block in this peer's blockstore, so that bitswap can serve it. */
  async serve(entry: CraftedEntry): Promise<void> {
    await this.helia.blockstore.put(CID.parse(entry.hash, base58btc), entry.bytes);
  }

  /** Builds an entry for `logId` (default: this database) signed with this peer's OrbitDB key. */
  async craft(value: unknown, options: CraftOptions = {}): Promise<CraftedEntry> {
    const document = value as { _id?: unknown };
    const payload = { op: options.op ?? "PUT", key: options.key ?? String(document?._id), value };
    const identity = this.orbitdb.identity;
    const clock = { id: identity.publicKey, time: ++counter };
    const entry = await Entry.create(
      identity,
      options.logId ?? this.db.address,
      payload,
      undefined,
      clock,
      options.next ?? [],
      options.refs ?? [],
    );
    const encoded = await Entry.encode({ ...entry, ...options.override });
    return encoded;
  }

  /** Publishes raw entry bytes on the database topic, as OrbitDB would for a new head. */
  async publish(entry: CraftedEntry): Promise<void> {
    await this.pubsub.publish(this.db.address, entry.bytes);
  }

  async stop(): Promise<void> {
    this.guard.uninstall();
    await this.orbitdb.stop();
    await this.helia.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export interface CraftOptions {
  logId?: string;
  next?: string[];
  refs?: string[];
  op?: string;
  key?: string;
  /** Fields replaced after signing (a forged signature, key or identity). */
  override?: Record<string, unknown>;
}

export interface CraftedEntry {
  hash: string;
  bytes: Uint8Array;
}

/** The document OrbitDB stores for `envelope`: the envelope under its id. */
export function documentOf(envelope: Envelope, id = envelopeId(envelope)): EnvelopeDocument {
  return { _id: id, ...(envelope as unknown as Record<string, unknown>) };
}

function envelopeId(envelope: Envelope): string {
  return verifyEnvelope(NETWORK, FAMILY, envelope).id;
}

/** A CID of random bytes: a block nobody has. */
export async function missingBlock(): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return CID.create(1, dagCbor.code, await sha256.digest(bytes)).toString(base58btc);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition") {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
