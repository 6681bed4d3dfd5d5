/**
 * One record family on this node: its shared OrbitDB database (the replicated log) and its local
 * index (what queries read). Writes are verified and checked against local policy before they
 * enter the log; every entry that joins the log, from this node or a peer, and every ancestor it
 * brought along, is indexed exactly once, in a queue, and announced to subscribers.
 */
import type { DocumentsDatabase, LogEntry } from "@orbitdb/core";
import { InvalidRecordError, verifyEnvelope, type Envelope, type Family } from "@stoa/protocol";
import { checkEntry, type DecisionCache, type EnvelopeDocument } from "./guard/access-controller.ts";
import type { Refusals } from "./guard/refusals.ts";
import type { IngestEntry, RecordIndex, RecordQuery, StoredRecord } from "./index/record-index.ts";
import { NotStartedError, PolicyRefusalError } from "./errors.ts";
import type { Policy } from "./policy.ts";

export interface PutResult {
  /** The envelope's id (a record's digest, or its batch's). */
  id: string;
  /** The OrbitDB entry that carries it. */
  entry: string;
  records: StoredRecord[];
}

export type RecordHandler = (records: StoredRecord[]) => void;

/** Pause before resubscribing after a failed heads exchange (ms). */
const RESYNC_DELAY_MS = 1_000;
/** Pause before republishing the heads after entries from peers were indexed (ms). */
const REPAIR_DELAY_MS = 500;
/**
 * Records of one ingest transaction during a catch-up. node:sqlite is synchronous, so one
 * transaction of 100,000 records held the event loop for seconds (the API did not answer); a
 * few hundred take a few milliseconds, and other work runs between them.
 */
export const INGEST_CHUNK_RECORDS = 500;
/** A catch-up of at least this many records is compacted after (FTS segments merged, statistics). */
const COMPACT_AFTER_RECORDS = 5_000;
/**
 * Longest stretch of the walk through the log without a turn of the event loop (ms). OrbitDB
 * serves entries it holds in memory without I/O, so walking 1,000 entries of 100 records each
 * (reading and decoding them) held the event loop for ~450 ms in one go.
 */
const WALK_SLICE_MS = 20;

export interface FamilyStoreDeps {
  network: string;
  family: Family;
  db: DocumentsDatabase<EnvelopeDocument>;
  index: RecordIndex;
  cache: DecisionCache;
  refusals: Refusals;
  policy: Policy;
}

export class FamilyStore {
  readonly family: Family;
  readonly #deps: FamilyStoreDeps;
  readonly #handlers = new Set<RecordHandler>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #onUpdate = (entry: LogEntry) => {
    void this.#enqueue(async () => {
      if ((await this.#indexFrom([entry])) > 0) this.#scheduleRepair();
    }).catch(() => this.#scheduleReindex());
  };
  /**
   * Indexing an update fails when an ancestor's block does not arrive within OrbitDB's fetch
   * timeout (a slow or vanished peer). Nothing was ingested then; walk again from the heads after
   * a pause, which indexes whatever the log holds by then. Without this the rejection went
   * unhandled and Node ended the process.
   */
  #scheduleReindex(): void {
    this.#indexErrors++;
    if (this.#reindex || this.#closed) return;
    this.#reindex = setTimeout(() => {
      this.#reindex = undefined;
      if (this.#closed) return;
      void this.#enqueue(async () => {
        await this.#indexFrom(await this.#deps.db.log.heads());
      }).catch(() => this.#scheduleReindex());
    }, RESYNC_DELAY_MS);
  }
  #reindex?: ReturnType<typeof setTimeout>;
  #indexErrors = 0;
  /**
   * Entries learnt through OrbitDB's heads exchange are not gossiped on: a node joining B learns
   * B's heads, but B's other neighbours never hear of what the joiner brought. So after indexing
   * entries from peers, a node republishes its heads on the database topic (debounced; message
   * ids are content hashes, so each node receives each head once however many nodes republish).
   * Neighbours then fetch the missing ancestors through the gossip validator's walk.
   */
  #scheduleRepair(): void {
    if (this.#repair || this.#closed) return;
    this.#repair = setTimeout(() => {
      this.#repair = undefined;
      if (this.#closed) return;
      void this.#enqueue(async () => {
        for (const head of await this.#deps.db.log.heads()) await this.#deps.db.sync.add(head);
      }).catch(() => undefined);
    }, REPAIR_DELAY_MS);
  }
  #repair?: ReturnType<typeof setTimeout>;
  /**
   * OrbitDB reports failed heads exchanges (a peer that reset the stream, a timeout) as `error`
   * events, and without a listener Node would crash the process. A failed exchange is not retried
   * by OrbitDB until the peer's subscription changes, so resubscribe after a pause: the peers
   * then exchange heads with this node again.
   */
  readonly #onSyncError = () => {
    this.#syncErrors++;
    if (this.#resync || this.#closed) return;
    this.#resync = setTimeout(() => {
      this.#resync = undefined;
      if (this.#closed) return;
      void this.#enqueue(async () => {
        await this.#deps.db.sync.stop();
        await this.#deps.db.sync.start();
      }).catch(() => undefined);
    }, RESYNC_DELAY_MS);
  };
  #syncErrors = 0;
  #resync?: ReturnType<typeof setTimeout>;

  private constructor(deps: FamilyStoreDeps) {
    this.#deps = deps;
    this.family = deps.family;
  }

  /** Opens the store: indexes whatever the log gained since the index last saw it. */
  static async open(deps: FamilyStoreDeps): Promise<FamilyStore> {
    const store = new FamilyStore(deps);
    deps.db.events.on("update", store.#onUpdate);
    deps.db.events.on("error", store.#onSyncError);
    await store.#enqueue(async () => {
      await store.#indexFrom(await deps.db.log.heads());
    });
    return store;
  }

  /** The OrbitDB address of the family's database. */
  get address(): string {
    return this.#deps.db.address;
  }

  /**
   * Verifies and writes a signed record or author batch. Throws the protocol's errors for an
   * invalid envelope, PolicyRefusalError for a denied author or revoked delegate.
   */
  async put(envelope: Envelope): Promise<PutResult> {
    this.#requireOpen();
    const { network, family, db, index, cache, policy } = this.#deps;
    // What is verified is what is appended: a private, frozen copy, out of the caller's reach.
    const own = frozenCopy(envelope);
    const verified = verifyEnvelope(network, family, own);
    if (policy.isDenied(verified.author)) {
      throw new PolicyRefusalError(`${verified.author} is on this node's deny list`, "denied-author");
    }
    for (const record of verified.records) {
      if (policy.isRevoked(record.author, record.signer, record.createdAt)) {
        throw new PolicyRefusalError(`the app key ${record.signer} was revoked`, "revoked-delegate", "delegation");
      }
    }
    const known = await index.get(verified.records[0]!.id);
    if (known && known.envelopeId === verified.id) {
      return {
        id: verified.id,
        entry: known.entryHash,
        records: await this.#stored(verified.records.map((r) => r.id)),
      };
    }
    // The controller's canAppend and #indexFrom (on OrbitDB's update event, inside db.put) meet
    // this entry before it has a hash: they take this verification by the document object.
    const document: EnvelopeDocument = Object.freeze({ _id: verified.id, ...own });
    cache.vouch(document, network, family, verified);
    const entry = await db.put(document);
    cache.set(entry, { ok: true, envelope: verified });
    // Index now rather than waiting for the update event, so the writer reads its own write.
    await this.#enqueue(async () => {
      if (await index.hasEntry(entry)) return;
      await index.ingest(entry, verified.records);
    });
    const records = await this.#stored(verified.records.map((r) => r.id));
    this.#notify(records);
    return { id: verified.id, entry, records };
  }

  /** A record by id (any version), or undefined. */
  async get(id: string): Promise<StoredRecord | undefined> {
    this.#requireOpen();
    return this.#deps.index.get(id);
  }

  /** Records matching `query`, from the index (never the log). */
  async query(query: RecordQuery = {}): Promise<{ items: StoredRecord[]; next?: string }> {
    this.#requireOpen();
    return this.#deps.index.query(query);
  }

  /**
   * The envelope (signed record or author batch) that the log entry `entryHash` carries, as its
   * author signed it, or undefined if the log lacks that entry: what a client needs to verify a
   * stored record's signature itself.
   */
  async envelope(entryHash: string): Promise<Envelope | undefined> {
    this.#requireOpen();
    const entry = await this.#deps.db.log.get(entryHash);
    const document = entry?.payload.value as EnvelopeDocument | undefined;
    if (!document) return undefined;
    const { _id: _, ...envelope } = document;
    return envelope as unknown as Envelope;
  }

  /**
   * OrbitDB's own `query()`: every document of the log read and tested by `predicate`, no index.
   * What a node without Stoa's index would do; benchmarks measure the index against it. Slow by
   * nature (seconds per 10,000 documents): never on a request path.
   */
  async scanLog(predicate: (document: EnvelopeDocument) => boolean): Promise<EnvelopeDocument[]> {
    this.#requireOpen();
    return this.#deps.db.query(predicate);
  }

  /** Calls `handler` with every batch of newly indexed records; returns the unsubscribe function. */
  subscribe(handler: RecordHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Number of visible current records. */
  async count(): Promise<number> {
    return this.#deps.index.count();
  }

  /** Failed heads exchanges with peers since the store opened (each followed by a resync). */
  get syncErrors(): number {
    return this.#syncErrors;
  }

  /** Failed indexing walks since the store opened (each followed by a walk from the heads). */
  get indexErrors(): number {
    return this.#indexErrors;
  }

  /** Waits until every update received so far is indexed. */
  async settled(): Promise<void> {
    await this.#queue;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#deps.db.events.off("update", this.#onUpdate);
    this.#deps.db.events.off("error", this.#onSyncError);
    clearTimeout(this.#resync);
    clearTimeout(this.#repair);
    clearTimeout(this.#reindex);
    await this.#queue;
    this.#handlers.clear();
  }

  /**
   * Indexes `roots` and every ancestor the index has not seen, walking the log backwards and
   * stopping at known entries: an entry is only ever indexed with (or after) its ancestors, so a
   * known entry's ancestors are known too.
   */
  async #indexFrom(roots: LogEntry[]): Promise<number> {
    const { network, family, db, index, cache, refusals } = this.#deps;
    const batch: { entry: LogEntry; ingest: IngestEntry }[] = [];
    const seen = new Set<string>();
    // Parents are looked up in the index before they are read and decoded: a known entry costs
    // one index lookup, and an unknown one is not looked up twice.
    const unindexed = new Set<string>();
    let frontier = roots;
    let slice = performance.now();
    while (frontier.length > 0) {
      const next: LogEntry[] = [];
      for (const entry of frontier) {
        if (performance.now() - slice > WALK_SLICE_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
        if (seen.has(entry.hash)) continue;
        seen.add(entry.hash);
        if (!unindexed.has(entry.hash) && (await index.hasEntry(entry.hash))) continue;
        let decision = cache.get(entry.hash);
        if (!decision) {
          decision = checkEntry(network, family, entry, cache);
          cache.set(entry.hash, decision);
        }
        if (decision.ok) batch.push({ entry, ingest: { entryHash: entry.hash, records: decision.envelope.records } });
        else refusals.record({ reason: decision.reason, family, entry: entry.hash });
        for (const hash of [...entry.next, ...entry.refs]) {
          if (seen.has(hash) || unindexed.has(hash)) continue;
          if (await index.hasEntry(hash)) {
            seen.add(hash);
            continue;
          }
          const parent = await db.log.get(hash);
          if (parent) {
            unindexed.add(hash);
            next.push(parent);
          }
        }
      }
      frontier = next;
    }
    if (batch.length === 0) return 0;
    await this.#ingestInChunks(batch.sort(byClock));
    return batch.length;
  }

  /**
   * Ingests `entries` (ancestors first) in transactions of about INGEST_CHUNK_RECORDS records,
   * yielding to the event loop between them, and tells subscribers after each. Ancestors first
   * keeps the walk's rule (a known entry's ancestors are known) true after every chunk, even if
   * the process stops half-way. A large catch-up is compacted once, at the end, in steps.
   */
  async #ingestInChunks(entries: { entry: LogEntry; ingest: IngestEntry }[]): Promise<void> {
    const { index } = this.#deps;
    let records = 0;
    for (let start = 0; start < entries.length;) {
      const chunk: IngestEntry[] = [];
      let size = 0;
      while (start < entries.length && (chunk.length === 0 || size < INGEST_CHUNK_RECORDS)) {
        const { ingest } = entries[start++]!;
        chunk.push(ingest);
        size += ingest.records.length;
      }
      if (records > 0) await yieldToEventLoop();
      await index.ingestMany(chunk);
      records += size;
      this.#notify(await this.#stored(chunk.flatMap((e) => e.records.map((r) => r.id))));
    }
    if (records >= COMPACT_AFTER_RECORDS) await index.compactInSteps();
  }

  async #stored(ids: string[]): Promise<StoredRecord[]> {
    const records: StoredRecord[] = [];
    for (const id of ids) {
      const record = await this.#deps.index.get(id);
      if (record) records.push(record);
    }
    return records;
  }

  #notify(records: StoredRecord[]): void {
    if (records.length === 0) return;
    for (const handler of this.#handlers) {
      try {
        handler(records);
      } catch {
        // a subscriber's failure is its own; the store keeps going
      }
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #requireOpen(): void {
    if (this.#closed) throw new NotStartedError(`the ${this.family} store is closed`);
  }
}

/**
 * Ancestors first: an entry's Lamport clock is above those of the entries it points to (OrbitDB
 * sets it to the highest of theirs plus one), ties broken by hash so that the order is the same
 * on every node.
 */
function byClock(a: { entry: LogEntry }, b: { entry: LogEntry }): number {
  const ta = a.entry.clock.time;
  const tb = b.entry.clock.time;
  if (ta !== tb) return ta - tb;
  return a.entry.hash < b.entry.hash ? -1 : a.entry.hash > b.entry.hash ? 1 : 0;
}

/**
 * Lets I/O (the API's requests) and timers run before the next chunk of synchronous work: a
 * timer, not setImmediate, so that a whole turn of the event loop runs in between (and it works
 * in browsers too).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A deep copy of `envelope`, deeply frozen; an InvalidRecordError if it is not plain data. */
function frozenCopy(envelope: Envelope): Envelope {
  let copy: unknown;
  try {
    copy = structuredClone(envelope);
  } catch {
    throw new InvalidRecordError("the envelope is not plain data", "record", "json");
  }
  return deepFreeze(copy) as Envelope;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
