/**
 * The chain indexer: follows the Stoa contracts' events into the SQLite index (store.ts), block
 * range by block range, and tells subscribers what it indexed.
 *
 * - Catch-up reads eth_getLogs over ranges of up to `batchSize` blocks (halved when the RPC refuses
 *   a range), filtered to the followed contracts and events; near the head it polls.
 * - A range and its cursor commit in one transaction, so a restart resumes from the last block.
 * - Reorgs: the hashes of the last `reorgWindow` blocks are kept. A new range must start on the
 *   cursor's hash, and every log must come from the block hash read beside it; otherwise the fork
 *   point is the newest kept block the chain still has, everything above it is rolled back and
 *   indexed again. With no such block (a restarted dev chain, a reorg deeper than the window) the
 *   index starts over, as it does at start when the chain's genesis or the deployment changed.
 * - Work runs one step at a time on one queue, so events, rollbacks and deny-list changes reach
 *   handlers in chain order.
 */
import type { SqlEngine } from "@stoa/core";
import { id as keccakText, type JsonRpcProvider, toQuantity } from "ethers";
import type { Logger } from "pino";
import type { DeploymentManifest } from "../../../scripts/lib/manifest.ts";
import { IndexerStoppedError, IndexerTimeoutError } from "./errors.ts";
import { type ChainEvent, EventDecoder, FOLLOWED, type RawLog } from "./events.ts";
import { IndexReader } from "./queries.ts";
import { type BlockHeader, type ChainIdentity, IndexStore } from "./store.ts";

export interface IndexerOptions {
  /** How often to look for a new block, in ms (default 250 on the dev chain, 2000 elsewhere). */
  pollIntervalMs?: number;
  /** Most blocks per eth_getLogs call (default 2000; halved while the RPC refuses a range). */
  batchSize?: number;
  /** How many recent block hashes are kept to find a fork point (default 64). */
  reorgWindow?: number;
}

export interface IndexerStatus {
  /** The last indexed block (the manifest's start block - 1 before the first range). */
  block: number;
  /** The chain's head at the last poll. */
  head: number;
  synced: boolean;
  /** Blocks between the head and the last indexed block. */
  lag: number;
  /** The last RPC or indexing failure while it lasts (the indexer retries with backoff). */
  error?: string;
}

/** What this process's indexer did since it started. */
export interface IndexerStats {
  /** The first block this process indexed (undefined before the first range). */
  firstBlock?: number;
  /** Blocks and logs indexed, eth_getLogs ranges read. */
  blocks: number;
  logs: number;
  ranges: number;
  /** Reorgs rolled back, and starts over (chain gone, deployment changed, reorg too deep). */
  rollbacks: number;
  resets: number;
}

/** A change of the DAO's deny list (StoaRegistry), in block order. */
export interface DenyListChange {
  account: string;
  denied: boolean;
  reasonCid?: string;
  /** When the registry denied it (unix seconds), for a denial. */
  since?: number;
  /** The block of the change (for a change undone by a reorg: the fork point). */
  block: number;
}

/** Indexed blocks were dropped: the chain reorganised, or the index started over (`reset`). */
export interface Rollback {
  /** The last block still indexed (start block - 1 after a reset). */
  fork: number;
  /** How many indexed blocks were dropped. */
  orphaned: number;
  reset: boolean;
}

type Handler<T> = (value: T) => unknown;

const MAX_BACKOFF_MS = 10_000;

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

const toHeader = (block: RpcBlock): BlockHeader => ({
  number: Number(block.number),
  hash: block.hash,
  parentHash: block.parentHash,
  timestamp: Number(block.timestamp),
});

/**
 * The parent hash Hardhat reports for the blocks it reserves in one `hardhat_mine` call (all but
 * the last): their link is not known, so it is checked through the blocks around them.
 */
const UNKNOWN_PARENT = `0x${"0".repeat(64)}`;

/** RPC refusals of a too large eth_getLogs range, as the common providers word them. */
const RANGE_REFUSED = /range|too many|limit|exceed|10000|response size|timeout/i;

/** Identifies a deployment: its start block and the addresses of the followed contracts. */
function deploymentId(manifest: DeploymentManifest): string {
  const addresses = Object.keys(FOLLOWED).map((key) => manifest.contracts[key]!.address.toLowerCase());
  return keccakText(JSON.stringify({ startBlock: manifest.startBlock, addresses }));
}

export class ChainIndexer extends IndexReader {
  readonly #store: IndexStore;
  readonly #provider: JsonRpcProvider;
  readonly #manifest: DeploymentManifest;
  readonly #decoder: EventDecoder;
  readonly #chainId: number;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number;
  readonly #reorgWindow: number;
  #batchSize: number;

  #cursor: { number: number; hash: string } | undefined;
  #head = 0;
  #error: string | undefined;
  #failures = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #stats: IndexerStats = { blocks: 0, logs: 0, ranges: 0, rollbacks: 0, resets: 0 };

  readonly #eventHandlers = new Set<Handler<ChainEvent>>();
  readonly #rollbackHandlers = new Set<Handler<Rollback>>();
  readonly #denyHandlers = new Set<Handler<DenyListChange>>();
  readonly #waiters = new Set<{ block: number; resolve: () => void; reject: (error: Error) => void }>();

  private constructor(
    engine: SqlEngine,
    provider: JsonRpcProvider,
    chainId: number,
    manifest: DeploymentManifest,
    logger: Logger,
    options: Required<IndexerOptions>,
  ) {
    super(engine);
    this.#chainId = chainId;
    this.#store = new IndexStore(engine);
    this.#provider = provider;
    this.#manifest = manifest;
    this.#decoder = new EventDecoder(manifest);
    this.#logger = logger;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#reorgWindow = options.reorgWindow;
    this.#batchSize = options.batchSize;
  }

  /**
   * Opens the index on `engine` (which the indexer then owns and closes), starts over if it was
   * built from another chain or deployment, and starts following the chain.
   */
  static async start(options: {
    engine: SqlEngine;
    provider: JsonRpcProvider;
    chainId: number;
    manifest: DeploymentManifest;
    logger: Logger;
    options: Required<IndexerOptions>;
  }): Promise<ChainIndexer> {
    const { engine, provider, chainId, manifest, logger } = options;
    const indexer = new ChainIndexer(engine, provider, chainId, manifest, logger, options.options);
    try {
      await indexer.#open();
    } catch (error) {
      await options.engine.close();
      throw error;
    }
    indexer.#schedule(0);
    return indexer;
  }

  /** What the index is built from: this chain (by its genesis block) and this deployment. */
  async #identity(): Promise<ChainIdentity> {
    const genesis = await this.#header(0);
    return { chainId: this.#chainId, genesisHash: genesis!.hash, deployment: deploymentId(this.#manifest) };
  }

  async #open(): Promise<void> {
    await this.#store.open();
    const identity = await this.#identity();
    const stored = await this.#store.identity();
    if (stored) {
      const reason =
        stored.chainId !== identity.chainId
          ? `it indexed chain ${stored.chainId}, this is chain ${identity.chainId}`
          : stored.genesisHash !== identity.genesisHash
            ? "the chain it indexed is gone (another genesis block: a restarted dev chain?)"
            : stored.deployment !== identity.deployment
              ? "the deployment manifest changed"
              : undefined;
      if (reason) {
        this.#logger.info(`chain index starts over: ${reason}`);
        await this.#store.reset();
        this.#stats.resets += 1;
      }
    }
    await this.#store.setIdentity(identity);
    this.#cursor = await this.#store.cursor();
    this.#head = this.#cursor?.number ?? this.#manifest.startBlock - 1;
    this.#logger.info(
      { from: this.#lastIndexed + 1, address: this.#decoder.addresses.length },
      this.#cursor ? "chain indexer resumes" : "chain indexer starts",
    );
  }

  get #lastIndexed(): number {
    return this.#cursor?.number ?? this.#manifest.startBlock - 1;
  }

  /** Where the indexer stands (from memory: cheap to call). */
  get status(): IndexerStatus {
    const lag = Math.max(0, this.#head - this.#lastIndexed);
    return {
      block: this.#lastIndexed,
      head: this.#head,
      synced: lag === 0,
      lag,
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  get stats(): IndexerStats {
    return { ...this.#stats };
  }

  /** Calls `handler` with every newly indexed event, in chain order, after it is committed. */
  subscribe(handler: (event: ChainEvent) => unknown): () => void {
    this.#eventHandlers.add(handler);
    return () => this.#eventHandlers.delete(handler);
  }

  /** Calls `handler` when indexed blocks are dropped (reorg or start over). */
  onRollback(handler: (rollback: Rollback) => unknown): () => void {
    this.#rollbackHandlers.add(handler);
    return () => this.#rollbackHandlers.delete(handler);
  }

  /**
   * Calls `handler` with every deny-list change in block order. With `replay` (the default) it
   * first receives every account denied as of the indexed block, so that registering is enough
   * to mirror the list; a change that a reorg undoes arrives as the opposite change.
   */
  onDenyListChange(handler: (change: DenyListChange) => unknown, { replay = true } = {}): () => void {
    let active = true;
    void this.#enqueue(async () => {
      if (!active || this.#stopped) return;
      if (replay) {
        for (const denial of await this.deniedAccounts()) {
          const { account, reasonCid, since } = denial;
          deliver(this.#logger, handler, { account, denied: true, reasonCid, since, block: denial.at.block });
        }
      }
      this.#denyHandlers.add(handler);
    });
    return () => {
      active = false;
      this.#denyHandlers.delete(handler);
    };
  }

  /** Resolves once `block` is indexed; rejects after `timeoutMs` or when the indexer stops. */
  waitFor(block: number, timeoutMs = 30_000): Promise<void> {
    if (this.#lastIndexed >= block) return Promise.resolve();
    if (this.#stopped) return Promise.reject(new IndexerStoppedError("the chain indexer is stopped"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new IndexerTimeoutError(`block ${block} not indexed within ${timeoutMs} ms (at ${this.#lastIndexed})`, block),
        );
      }, timeoutMs);
      const waiter = {
        block,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error: Error) => (clearTimeout(timer), reject(error)),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Stops following the chain, waits for the step in progress and closes the index. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return this.#queue.then(() => undefined);
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const waiter of this.#waiters) waiter.reject(new IndexerStoppedError("the chain indexer stopped"));
    this.#waiters.clear();
    this.#queue = this.#queue.then(() => this.#store.close());
    await this.#queue;
  }

  // ---------------------------------------------------------------- the loop

  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#enqueue(() => (this.#stopped ? Promise.resolve(false) : this.#step())).then(
        (more) => {
          this.#failures = 0;
          this.#error = undefined;
          this.#schedule(more ? 0 : this.#pollIntervalMs);
        },
        (error: Error) => {
          this.#failures += 1;
          this.#error = error.message;
          if (this.#failures === 1 || this.#failures % 20 === 0) {
            this.#logger.warn({ err: error, failures: this.#failures }, "chain indexer step failed; retrying");
          }
          this.#schedule(Math.min(MAX_BACKOFF_MS, this.#pollIntervalMs * 2 ** this.#failures));
        },
      );
    }, delayMs);
  }

  /** One step: a rollback or one indexed range. Returns whether more work is waiting. */
  async #step(): Promise<boolean> {
    const head = (await this.#header("latest"))!;
    this.#head = head.number;
    const cursor = this.#cursor;
    if (cursor && (head.number < cursor.number || (head.number === cursor.number && head.hash !== cursor.hash))) {
      await this.#rollBack(cursor.number);
      return true;
    }
    const from = this.#lastIndexed + 1;
    if (from > head.number) return false;
    const windowStart = head.number - this.#reorgWindow + 1;
    const wanted = new Set<number>([from]);
    let to = Math.min(head.number, from + this.#batchSize - 1);
    // Near the head every header is read (from one below the window, to check the links).
    for (let n = Math.max(from, windowStart - 1); n <= to; n++) wanted.add(n);
    const [range, known] = await Promise.all([this.#logs(from, to), this.#headers([...wanted])]);
    to = range.to;
    // A log's block header is read for its timestamp, unless the log carries it (newer clients).
    for (const log of range.logs) if (log.blockTimestamp === undefined) wanted.add(Number(log.blockNumber));
    wanted.add(to);
    const headers = new Map([...known, ...(await this.#headers([...wanted].filter((n) => !known.has(n))))]);
    if (to === head.number) headers.set(to, head);

    // Logs and headers were read in separate calls: if the chain moved in between, read again.
    const moved = (block: number) => {
      this.#logger.debug({ block }, "the chain moved while it was read; reading again");
      return true;
    };
    const [first, last] = [headers.get(from), headers.get(to)];
    if (!first || !last) return moved(first ? to : from);
    if (cursor && !(await this.#extends(first, cursor))) {
      await this.#rollBack(cursor.number);
      return true;
    }
    for (const log of range.logs) {
      const block = Number(log.blockNumber);
      const header = headers.get(block);
      if (header && header.hash !== log.blockHash) return moved(block);
    }
    for (let n = Math.max(from + 1, windowStart); n <= to; n++) {
      const [header, parent] = [headers.get(n), headers.get(n - 1)];
      if (!header || !parent || (header.parentHash !== parent.hash && header.parentHash !== UNKNOWN_PARENT))
        return moved(n);
    }

    const events: ChainEvent[] = [];
    for (const log of range.logs) {
      const timestamp = headers.get(Number(log.blockNumber))?.timestamp ?? Number(log.blockTimestamp);
      const event = this.#decoder.decode(log, timestamp);
      if (event) events.push(event);
    }
    await this.#store.applyRange({
      events,
      headers: [...headers.values()].filter((h) => h.number >= Math.min(windowStart, to) && h.number <= to),
      cursor: last,
      pruneBelow: to - this.#reorgWindow,
    });
    this.#cursor = { number: last.number, hash: last.hash };
    this.#stats.firstBlock ??= from;
    this.#stats.blocks += to - from + 1;
    this.#stats.logs += events.length;
    this.#stats.ranges += 1;
    this.#publish(events);
    return to < head.number;
  }

  /** Whether `header` follows the indexed block `cursor` on the chain. */
  async #extends(header: BlockHeader, cursor: { number: number; hash: string }): Promise<boolean> {
    if (header.parentHash !== UNKNOWN_PARENT) return header.parentHash === cursor.hash;
    return (await this.#header(cursor.number))?.hash === cursor.hash;
  }

  /** Rolls back to the newest kept block at or below `below` that the chain still has. */
  async #rollBack(below: number): Promise<void> {
    const kept = await this.#store.headersAtOrBelow(below, this.#reorgWindow + 1);
    const onChain = await this.#headers(kept.map((header) => header.number));
    const fork = kept.find((header) => onChain.get(header.number)?.hash === header.hash);
    const deniedBefore = await this.deniedAccounts();
    const previous = this.#lastIndexed;
    if (fork?.number === previous) return;
    if (fork) {
      this.#logger.warn({ fork: fork.number, orphaned: previous - fork.number }, "chain reorg: rolling back");
      await this.#store.rollback(fork);
      this.#cursor = { number: fork.number, hash: fork.hash };
      this.#stats.rollbacks += 1;
    } else {
      this.#logger.warn({ indexed: previous }, "chain index starts over: no kept block is on the chain any more");
      await this.#store.reset();
      await this.#store.setIdentity(await this.#identity());
      this.#cursor = undefined;
      this.#stats.resets += 1;
    }
    const rollback: Rollback = { fork: this.#lastIndexed, orphaned: previous - this.#lastIndexed, reset: !fork };
    for (const handler of this.#rollbackHandlers) deliver(this.#logger, handler, rollback);
    // Denials the dropped blocks made or lifted are undone, as changes at the fork point.
    const deniedAfter = new Map((await this.deniedAccounts()).map((d) => [d.account, d]));
    const changes: DenyListChange[] = [];
    for (const denial of deniedBefore) {
      if (!deniedAfter.has(denial.account))
        changes.push({ account: denial.account, denied: false, block: rollback.fork });
      deniedAfter.delete(denial.account);
    }
    for (const denial of deniedAfter.values()) {
      const { account, reasonCid, since } = denial;
      changes.push({ account, denied: true, reasonCid, since, block: rollback.fork });
    }
    for (const change of changes) for (const handler of this.#denyHandlers) deliver(this.#logger, handler, change);
  }

  #publish(events: readonly ChainEvent[]): void {
    for (const event of events) {
      for (const handler of this.#eventHandlers) deliver(this.#logger, handler, event);
      if (event.kind === "AccountDenied" || event.kind === "AccountAllowed") {
        const change: DenyListChange =
          event.kind === "AccountDenied"
            ? {
                account: event.account,
                denied: true,
                reasonCid: event.reasonCid,
                since: event.since,
                block: event.block,
              }
            : { account: event.account, denied: false, reasonCid: event.reasonCid, block: event.block };
        for (const handler of this.#denyHandlers) deliver(this.#logger, handler, change);
      }
    }
    for (const waiter of this.#waiters) {
      if (this.#lastIndexed >= waiter.block) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  // ---------------------------------------------------------------- JSON-RPC reads

  async #header(block: number | "latest"): Promise<BlockHeader | undefined> {
    const raw = (await this.#provider.send("eth_getBlockByNumber", [
      block === "latest" ? block : toQuantity(block),
      false,
    ])) as RpcBlock | null;
    return raw ? toHeader(raw) : undefined;
  }

  /** Headers of these blocks (absent: beyond the head), read in one JSON-RPC batch. */
  async #headers(numbers: readonly number[]): Promise<Map<number, BlockHeader>> {
    const headers = await Promise.all(numbers.map((n) => this.#header(n)));
    return new Map(headers.filter((h) => h !== undefined).map((h) => [h.number, h]));
  }

  /** The followed logs of blocks `from`..`to`; `to` shrinks while the RPC refuses the range. */
  async #logs(from: number, to: number): Promise<{ logs: RawLog[]; to: number }> {
    for (;;) {
      try {
        const logs = (await this.#provider.send("eth_getLogs", [
          {
            fromBlock: toQuantity(from),
            toBlock: toQuantity(to),
            address: this.#decoder.addresses,
            topics: [this.#decoder.topics],
          },
        ])) as RawLog[];
        return { logs: logs.filter((log) => !log.removed), to };
      } catch (error) {
        if (to === from || !RANGE_REFUSED.test((error as Error).message)) throw error;
        to = from + Math.floor((to - from) / 2);
        this.#batchSize = Math.max(1, to - from + 1);
        this.#logger.debug({ batchSize: this.#batchSize }, "eth_getLogs range refused; smaller ranges");
      }
    }
  }
}

/** Calls a handler; its failure (thrown or rejected) is logged, never stops the indexer. */
function deliver<T>(logger: Logger, handler: Handler<T>, value: T): void {
  try {
    const result = handler(value);
    if (result instanceof Promise)
      result.catch((error: unknown) => logger.error({ err: error }, "chain event handler failed"));
  } catch (error) {
    logger.error({ err: error }, "chain event handler failed");
  }
}
