/**
 * Keeps a node connected to its configured peers (there is no discovery, so a lost configured
 * peer is otherwise lost for good). Each peer is dialled at start; when a dial fails, or the peer
 * disconnects later, it is dialled again after a delay that doubles from `initialDelayMs` up to
 * `maxDelayMs`, with jitter (so that nodes which lost the same peer do not all come back in the
 * same second), and starts from `initialDelayMs` again once connected. `stop` clears every timer
 * and aborts dials in flight; nothing is left behind and no rejection escapes.
 *
 * @example
 * ```ts
 * const peers = new ConfiguredPeers(libp2p, ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."], {
 *   onEvent: (event) => console.log(event),
 * });
 * await peers.start(); // one dial each; failures are retried in the background
 * await peers.stop();
 * ```
 */
import type { Connection, Libp2pEvents, PeerId, TypedEventTarget } from "@libp2p/interface";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";

/** What ConfiguredPeers needs of libp2p. */
export interface DialingNode extends TypedEventTarget<Libp2pEvents> {
  dial(address: Multiaddr, options?: { signal?: AbortSignal }): Promise<Connection>;
  getConnections(): Connection[];
}

export interface RedialOptions {
  /** First delay before dialling a lost peer again (ms; default 1,000). */
  initialDelayMs: number;
  /** Longest delay between two dials of the same peer (ms; default 30,000). */
  maxDelayMs: number;
  /** The share of each delay drawn at random (0-1; default 0.5: a delay d waits d/2 to d). */
  jitter: number;
}

export const DEFAULT_REDIAL: RedialOptions = { initialDelayMs: 1_000, maxDelayMs: 30_000, jitter: 0.5 };

/** What happened to a configured peer (for the node's log). */
export type ConfiguredPeerEvent =
  | { type: "connected"; address: string; peerId: string; attempt: number }
  | { type: "disconnected"; address: string; peerId: string }
  | { type: "dial-failed"; address: string; attempt: number; error: string }
  | { type: "redial-scheduled"; address: string; attempt: number; delayMs: number };

export interface ConfiguredPeersOptions extends Partial<RedialOptions> {
  onEvent?: (event: ConfiguredPeerEvent) => void;
  /** A number in [0, 1) (default Math.random): the jitter's draw. */
  random?: () => number;
}

interface Peer {
  address: string;
  multiaddr: Multiaddr;
  /** From the address's /p2p/ part, or learnt from the first connection. */
  peerId?: string;
  /** Dials made since the peer was last connected. */
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
  dialing?: AbortController;
}

/** The delay before dial number `attempt` (1 = the first redial), jitter included (ms). */
export function redialDelay(attempt: number, options: RedialOptions, random: () => number = Math.random): number {
  const full = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (1 - options.jitter * random()));
}

export class ConfiguredPeers {
  readonly #libp2p: DialingNode;
  readonly #peers: Peer[];
  readonly #options: RedialOptions;
  readonly #onEvent: (event: ConfiguredPeerEvent) => void;
  readonly #random: () => number;
  #running = false;
  /** Dials made after a failure or a disconnection, since start. */
  #redials = 0;

  readonly #onConnect = (event: CustomEvent<PeerId>) => {
    const peer = this.#byId(event.detail.toString());
    if (!peer || !this.#running) return;
    // Connected (by us or by the peer): no dial pending, and the next loss starts from the first delay.
    clearTimeout(peer.timer);
    peer.timer = undefined;
    peer.attempt = 0;
  };

  readonly #onDisconnect = (event: CustomEvent<PeerId>) => {
    const peer = this.#byId(event.detail.toString());
    if (!peer || !this.#running) return;
    this.#onEvent({ type: "disconnected", address: peer.address, peerId: peer.peerId! });
    this.#schedule(peer);
  };

  /** `addresses`: multiaddrs, best with their /p2p/ peer id (without it, learnt at the first connection). */
  constructor(libp2p: DialingNode, addresses: readonly string[], options: ConfiguredPeersOptions = {}) {
    this.#libp2p = libp2p;
    this.#options = {
      initialDelayMs: options.initialDelayMs ?? DEFAULT_REDIAL.initialDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_REDIAL.maxDelayMs,
      jitter: options.jitter ?? DEFAULT_REDIAL.jitter,
    };
    this.#onEvent = options.onEvent ?? (() => {});
    this.#random = options.random ?? Math.random;
    this.#peers = addresses.map((address) => {
      const ma = multiaddr(address);
      const peerId = ma.getComponents().findLast((c) => c.name === "p2p")?.value;
      return { address, multiaddr: ma, peerId, attempt: 0 };
    });
  }

  /** Dials every configured peer once (in parallel); a peer that cannot be reached is dialled again later. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#redials = 0;
    this.#libp2p.addEventListener("peer:connect", this.#onConnect);
    this.#libp2p.addEventListener("peer:disconnect", this.#onDisconnect);
    await Promise.all(this.#peers.map((peer) => this.#dial(peer)));
  }

  /** Stops redialling: timers cleared, dials in flight aborted. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#libp2p.removeEventListener("peer:connect", this.#onConnect);
    this.#libp2p.removeEventListener("peer:disconnect", this.#onDisconnect);
    for (const peer of this.#peers) {
      clearTimeout(peer.timer);
      peer.timer = undefined;
      peer.dialing?.abort();
      peer.dialing = undefined;
      peer.attempt = 0;
    }
  }

  /** Dials made after a failed dial or a disconnection, since start. */
  get redials(): number {
    return this.#redials;
  }

  /** Configured peers waiting for their next dial. */
  get pending(): number {
    return this.#peers.filter((peer) => peer.timer !== undefined || peer.dialing !== undefined).length;
  }

  #byId(peerId: string): Peer | undefined {
    return this.#peers.find((peer) => peer.peerId === peerId);
  }

  #schedule(peer: Peer): void {
    if (!this.#running || peer.timer || peer.dialing) return;
    const attempt = peer.attempt + 1;
    const delayMs = redialDelay(attempt, this.#options, this.#random);
    this.#onEvent({ type: "redial-scheduled", address: peer.address, attempt, delayMs });
    peer.timer = setTimeout(() => {
      peer.timer = undefined;
      this.#redials++;
      void this.#dial(peer);
    }, delayMs);
  }

  /** One dial; never rejects (a failure schedules the next one). */
  async #dial(peer: Peer): Promise<void> {
    if (!this.#running) return;
    if (peer.peerId && this.#libp2p.getConnections().some((c) => c.remotePeer.toString() === peer.peerId)) {
      peer.attempt = 0;
      return;
    }
    const dialing = new AbortController();
    peer.dialing = dialing;
    // Kept here: the peer:connect event may reset the count before the dial resolves.
    const attempt = ++peer.attempt;
    try {
      const connection = await this.#libp2p.dial(peer.multiaddr, { signal: dialing.signal });
      if (!this.#running || dialing.signal.aborted) return;
      peer.peerId ??= connection.remotePeer.toString();
      this.#onEvent({ type: "connected", address: peer.address, peerId: peer.peerId, attempt });
      peer.attempt = 0;
    } catch (error) {
      if (!this.#running || dialing.signal.aborted) return;
      this.#onEvent({
        type: "dial-failed",
        address: peer.address,
        attempt,
        error: error instanceof Error ? error.message : String(error),
      });
      peer.dialing = undefined;
      this.#schedule(peer);
    } finally {
      if (peer.dialing === dialing) peer.dialing = undefined;
    }
  }
}
