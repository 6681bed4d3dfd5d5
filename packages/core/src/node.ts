/**
 * The Stoa light node: Helia (light: no gateways, no delegated routing, no bootstrap, no DHT) with
 * bitswap over libp2p (noise, yamux, identify, gossipsub), OrbitDB 4 on top with one shared
 * database per record family, a local index per family and a content store. Storage,
 * transports and addresses are injected, so the same code runs in Node and browsers.
 *
 * Start and stop are symmetric and idempotent: stores open -> Helia -> OrbitDB -> databases
 * (each guarded by its gossip validator as soon as it opens) -> indexes; stop runs the reverse,
 * guards first (OrbitDB before Helia before the stores, the only order that neither throws nor
 * hangs).
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import { unixfs } from "@helia/unixfs";
import * as dagCbor from "@ipld/dag-cbor";
import { gossipsub, type GossipsubOpts } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { ConnectionGater, PeerId } from "@libp2p/interface";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { createOrbitDB, type DocumentsDatabase, type OrbitDB, type Storage } from "@orbitdb/core";
import { databaseName, FAMILIES, type Family } from "@stoa/protocol";
import type { Blockstore } from "interface-blockstore";
import type { Datastore } from "interface-datastore";
import { createHeliaLight } from "helia";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "@noble/hashes/utils.js";
import type { Libp2pOptions } from "libp2p";
import { ConfiguredPeers, type ConfiguredPeerEvent, type RedialOptions } from "./configured-peers.ts";
import { ContentStore, type ContentLimits } from "./content.ts";
import { entryStorage } from "./entry-storage.ts";
import { NotStartedError } from "./errors.ts";
import { FamilyStore } from "./family-store.ts";
import {
  DecisionCache,
  registerStoaAccessController,
  stoaAccessController,
  type EnvelopeDocument,
} from "./guard/access-controller.ts";
import { NodeGuard, type NodeGuardOptions, type NodeGuardStats } from "./guard/node-guard.ts";
import { Refusals } from "./guard/refusals.ts";
import type { SqlEngineFactory } from "./index/engine.ts";
import { RecordIndex } from "./index/record-index.ts";
import { indexSpecOf } from "./index/specs.ts";
import { Policy, type PolicyLimits, type Revocation } from "./policy.ts";

type Openable = { open?: () => Promise<void>; close?: () => Promise<void> };

export interface StoaNodeOptions {
  /** The Stoa network this node belongs to ("stoa-dev"); it names every database. */
  network: string;
  /** Block storage for IPFS content and OrbitDB entries (opened and closed by the node). */
  blockstore: Blockstore & Openable;
  /** Key-value storage for libp2p (its private key: the peer id survives restarts) and Helia. */
  datastore: Datastore & Openable;
  /** Directory (Node) or database-name prefix (browser) for OrbitDB's keystore, heads and state. */
  orbitdbDirectory: string;
  /** Opens the SQL engine of each family's index. */
  index: SqlEngineFactory;
  /** libp2p transports, e.g. [tcp(), webSockets()] in Node, [webSockets()] in a browser. */
  transports: NonNullable<Libp2pOptions["transports"]>;
  /** Addresses to listen on, e.g. ["/ip4/127.0.0.1/tcp/0"]. */
  listen?: string[];
  /**
   * Peers to dial at start (configured peers; there is no discovery). A configured peer that
   * cannot be reached, or disconnects, is dialled again with exponential backoff and jitter.
   */
  peers?: string[];
  /** The backoff of those redials (default 1 s doubling to 30 s, half of each delay at random). */
  redial?: Partial<RedialOptions>;
  /** Told what happens to configured peers: connected, disconnected, a failed dial, a redial scheduled. */
  onPeerEvent?: (event: ConfiguredPeerEvent) => void;
  /** Decides which addresses may be dialled or accepted (e.g. loopbackOnlyGater in tests). */
  connectionGater?: ConnectionGater;
  /** The families to open (default: all). */
  families?: Family[];
  /** Extra gossipsub options. */
  gossip?: Partial<GossipsubOpts>;
  /** libp2p's metrics, e.g. prometheusMetrics({ registry }) from @libp2p/prometheus-metrics. */
  metrics?: Libp2pOptions["metrics"];
  /** Limits of the content store. */
  content?: Partial<ContentLimits>;
  /** How long OrbitDB may wait for a missing entry block before giving up (ms). */
  entryFetchTimeoutMs?: number;
  /** Rate limits, relay budgets and freshness window of the gossip validator. */
  policy?: Partial<PolicyLimits>;
  /** The gossip validator's fetch timeouts and walk limit, and peer scoring. */
  guard?: Partial<NodeGuardOptions>;
}

/** Default wait for a missing entry block: the backstop against entries nobody can serve. */
export const DEFAULT_ENTRY_FETCH_TIMEOUT_MS = 2_000;

/** sha256(topic ‖ data): the same entry on the same topic has the same id, whoever publishes it. */
function contentMessageId(message: { topic: string; data: Uint8Array }): Uint8Array {
  return sha256(concatBytes(new TextEncoder().encode(message.topic), message.data));
}

function createHelia(options: StoaNodeOptions, guard: NodeGuard) {
  const scoring = guard.gossipsubOptions();
  const light = createHeliaLight({ blockstore: options.blockstore, datastore: options.datastore, codecs: [dagCbor] });
  const withNetwork = withLibp2pLight(light, {
    addresses: { listen: options.listen ?? [] },
    transports: options.transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    connectionGater: options.connectionGater,
    metrics: options.metrics,
    services: {
      identify: identify(),
      // OrbitDB reads helia.libp2p.services.pubsub. A write on a node without peers must not throw.
      // The guard's penalties are the app-specific score: forgers get graylisted.
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        // Message ids from content: an entry republished by several nodes (see FamilyStore's
        // repair of heads learnt through a heads exchange) is delivered once per node, not once
        // per publisher.
        msgIdFn: contentMessageId,
        ignoreDuplicatePublishError: true,
        ...options.gossip,
        scoreParams: { ...scoring.scoreParams, ...options.gossip?.scoreParams },
        scoreThresholds: { ...scoring.scoreThresholds, ...options.gossip?.scoreThresholds },
      }),
    },
  });
  return withBitswap(withNetwork);
}

type Helia = ReturnType<typeof createHelia>;

interface Running {
  helia: Helia;
  orbitdb: OrbitDB;
  stores: Map<Family, FamilyStore>;
  indexes: RecordIndex[];
  content: ContentStore;
  configuredPeers: ConfiguredPeers;
}

export class StoaNode {
  readonly network: string;
  readonly policy: Policy;
  readonly refusals = new Refusals();
  readonly #options: StoaNodeOptions;
  readonly #cache = new DecisionCache();
  readonly #guard: NodeGuard;
  #running?: Running;
  #starting?: Promise<void>;
  #stopping?: Promise<void>;

  constructor(options: StoaNodeOptions) {
    this.#options = options;
    this.network = options.network;
    this.policy = new Policy(options.policy);
    this.#guard = new NodeGuard(this.policy, options.guard);
  }

  get isStarted(): boolean {
    return this.#running !== undefined;
  }

  /** Starts the node; a second call while started does nothing. */
  async start(): Promise<void> {
    if (this.#running) return;
    if (this.#stopping) await this.#stopping;
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    await this.#starting;
  }

  /** Stops the node; a second call while stopped does nothing. */
  async stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => undefined);
    if (!this.#running) return;
    this.#stopping ??= this.#stop().finally(() => (this.#stopping = undefined));
    await this.#stopping;
  }

  get peerId(): PeerId {
    return this.#require().helia.libp2p.peerId;
  }

  get multiaddrs(): Multiaddr[] {
    return this.#require().helia.libp2p.getMultiaddrs();
  }

  get content(): ContentStore {
    return this.#require().content;
  }

  /** The store of `family`. */
  family(family: Family): FamilyStore {
    const store = this.#require().stores.get(family);
    if (!store) throw new NotStartedError(`family ${family} is not open on this node`);
    return store;
  }

  /** The libp2p node, for metrics and diagnostics. */
  get libp2p(): Helia["libp2p"] {
    return this.#require().helia.libp2p;
  }

  /** The Helia node (blockstore, pins, bitswap). */
  get helia(): Helia {
    return this.#require().helia;
  }

  /**
   * Puts `author` on this node's deny list: the gossip validator stops relaying its records and
   * the indexes hide them, from now on, until `allow`.
   */
  async deny(author: string): Promise<void> {
    this.policy.deny(author);
    for (const index of this.#running?.indexes ?? []) await index.setDenied(author.toLowerCase(), true);
  }

  /** Takes `author` off this node's deny list. */
  async allow(author: string): Promise<void> {
    this.policy.allow(author);
    for (const index of this.#running?.indexes ?? []) await index.setDenied(author.toLowerCase(), false);
  }

  /** Withdraws an app key: its records signed after `since` are refused and hidden. */
  async revoke(revocation: Revocation): Promise<void> {
    this.policy.revoke(revocation);
    const { author, delegate, since } = revocation;
    for (const index of this.#running?.indexes ?? []) {
      await index.setRevoked(author.toLowerCase(), delegate.toLowerCase(), since);
    }
  }

  /** Connects to a peer by multiaddr. */
  /**
   * Connects to a peer and waits (up to `subscribeTimeoutMs`, default 5 s) until it is seen
   * subscribed to every open family's topic, so that a write made as soon as this returns is
   * gossiped to it. A record published before the peer's subscriptions arrive reaches it only
   * with the writer's next entry or the next heads exchange. A peer that never subscribes
   * (another network, not a Stoa node) is connected all the same.
   */
  async dial(address: string | Multiaddr, options: { subscribeTimeoutMs?: number } = {}): Promise<void> {
    const running = this.#require();
    const connection = await running.helia.libp2p.dial(typeof address === "string" ? multiaddr(address) : address);
    const pubsub = running.helia.libp2p.services.pubsub;
    const topics = [...running.stores.values()].map((store) => store.address);
    const peer = connection.remotePeer.toString();
    const subscribed = () => topics.every((topic) => pubsub.getSubscribers(topic).some((p) => p.toString() === peer));
    const deadline = Date.now() + (options.subscribeTimeoutMs ?? 5_000);
    while (!subscribed() && Date.now() < deadline && this.#running === running) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Connected peers. */
  peers(): PeerId[] {
    return this.#require().helia.libp2p.getPeers();
  }

  /**
   * The gossip validators' counters by family, rate-limit state and penalised peers with their
   * gossipsub scores (refusals by reason are in `refusals.counts()`).
   */
  guardStats(): NodeGuardStats {
    return this.#guard.stats();
  }

  async #start(): Promise<void> {
    const options = this.#options;
    registerStoaAccessController();
    await options.blockstore.open?.();
    await options.datastore.open?.();
    const helia = createHelia(options, this.#guard);
    const opened: {
      orbitdb?: OrbitDB;
      stores: Map<Family, FamilyStore>;
      indexes: RecordIndex[];
      configuredPeers?: ConfiguredPeers;
    } = { stores: new Map(), indexes: [] };
    try {
      await helia.start();
      // A fixed id keeps the OrbitDB identity across restarts (its key is in the directory).
      opened.orbitdb = await createOrbitDB({ ipfs: helia, id: "stoa", directory: options.orbitdbDirectory });
      for (const family of options.families ?? (Object.keys(FAMILIES) as Family[])) {
        const db = await opened.orbitdb.open<EnvelopeDocument>(databaseName(options.network, family), {
          type: "documents",
          AccessController: stoaAccessController({
            network: options.network,
            family,
            refusals: this.refusals,
            cache: this.#cache,
          }),
          entryStorage: await this.#entryStorage(helia),
        });
        this.#guard.protect(
          {
            network: options.network,
            family,
            address: db.address,
            log: db.log,
            identities: opened.orbitdb.identities,
            blocks: helia.blockstore,
            cache: this.#cache,
            refusals: this.refusals,
          },
          helia.libp2p.services.pubsub,
        );
        const engine = await options.index(`${options.network}-${family}`);
        const index = await RecordIndex.open(engine, indexSpecOf(family));
        opened.indexes.push(index);
        await this.#applyPolicyTo(index);
        opened.stores.set(family, await FamilyStore.open(this.#storeDeps(family, db, index)));
      }
      // Indexes opened before a later one taught the policy something catch up here.
      for (const index of opened.indexes) await this.#applyPolicyTo(index);
      opened.configuredPeers = this.#configuredPeers(helia);
      await opened.configuredPeers.start();
      const delegations = opened.stores.get("delegations");
      delegations?.subscribe((records) => {
        for (const r of records) {
          if (r.type !== "delegation-revocation") continue;
          const { delegate } = r.body as { delegate: string };
          void this.revoke({ author: r.author, delegate, since: r.createdAt });
        }
      });
      this.#running = {
        helia,
        orbitdb: opened.orbitdb,
        stores: opened.stores,
        indexes: opened.indexes,
        content: new ContentStore(unixfs(helia), helia.pins, options.content),
        configuredPeers: opened.configuredPeers,
      };
    } catch (error) {
      opened.configuredPeers?.stop();
      this.#guard.uninstall();
      for (const store of opened.stores.values()) await store.close().catch(() => undefined);
      await opened.orbitdb?.stop().catch(() => undefined);
      for (const index of opened.indexes) await index.close().catch(() => undefined);
      await helia.stop().catch(() => undefined);
      await options.blockstore.close?.().catch(() => undefined);
      await options.datastore.close?.().catch(() => undefined);
      throw error;
    }
  }

  async #stop(): Promise<void> {
    const running = this.#running!;
    this.#running = undefined;
    // Before libp2p stops: its closing connections must not be dialled again.
    running.configuredPeers.stop();
    this.#guard.uninstall();
    for (const store of running.stores.values()) await store.close();
    await running.orbitdb.stop();
    for (const index of running.indexes) await index.close();
    await running.helia.stop();
    await this.#options.blockstore.close?.();
    await this.#options.datastore.close?.();
  }

  /** Configured peers, kept connected; their events go to libp2p's debug log and `onPeerEvent`. */
  #configuredPeers(helia: Helia): ConfiguredPeers {
    const log = helia.libp2p.logger.forComponent("stoa:configured-peers");
    return new ConfiguredPeers(helia.libp2p, this.#options.peers ?? [], {
      ...this.#options.redial,
      onEvent: (event) => {
        log("%s %s %o", event.type, event.address, event);
        try {
          this.#options.onPeerEvent?.(event);
        } catch {
          // the listener's failure is its own; the peers are kept all the same
        }
      },
    });
  }

  #storeDeps(family: Family, db: DocumentsDatabase<EnvelopeDocument>, index: RecordIndex) {
    return {
      network: this.network,
      family,
      db,
      index,
      cache: this.#cache,
      refusals: this.refusals,
      policy: this.policy,
    };
  }

  /** OrbitDB's entry storage: the short fetch timeout (the heads exchange's backstop) bounds fetches only. */
  async #entryStorage(helia: Helia): Promise<Storage> {
    return entryStorage(helia, this.#options.entryFetchTimeoutMs ?? DEFAULT_ENTRY_FETCH_TIMEOUT_MS);
  }

  /**
   * Brings the node's policy and an index's up to date with each other: the index keeps its deny
   * list and revocations across restarts, the in-memory policy does not, so the policy first
   * learns what the index applied, then every index applies the whole policy.
   */
  async #applyPolicyTo(index: RecordIndex): Promise<void> {
    const state = await index.policyState();
    for (const author of state.denied) this.policy.deny(author);
    for (const revocation of state.revoked) this.policy.revoke(revocation);
    for (const author of this.policy.denied()) await index.setDenied(author, true);
    for (const r of this.policy.revocations()) await index.setRevoked(r.author, r.delegate, r.since);
  }

  #require(): Running {
    if (!this.#running) throw new NotStartedError("the node is not started");
    return this.#running;
  }
}
