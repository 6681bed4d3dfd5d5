// @orbitdb/core 4 ships JavaScript with JSDoc only: the part of its API Stoa uses, typed here.
// Keep every use of OrbitDB behind this boundary.
declare module "@orbitdb/core" {
  import type { EventEmitter } from "node:events";

  export interface Identity {
    id: string;
    hash: string;
    publicKey: string;
    type: string;
    /** Signs `data` with the identity's key (hex signature). */
    sign(identity: Identity, data: Uint8Array): Promise<string>;
  }
  export interface Storage {
    put(hash: string, data: Uint8Array): Promise<void>;
    get(hash: string): Promise<Uint8Array | undefined>;
    del?(hash: string): Promise<void>;
    close(): Promise<void>;
  }
  export interface EntryPayload<V = unknown> {
    op: string; // "PUT" | "DEL" for keyvalue/documents databases
    key: string;
    value: V;
  }
  export interface LogEntry<V = unknown> {
    hash: string;
    id: string;
    identity: string;
    key: string;
    sig: string;
    bytes: Uint8Array;
    payload: EntryPayload<V>;
    next: string[];
    refs: string[];
    clock: { id: string; time: number };
    v: number;
  }
  export interface Log {
    id: string;
    heads(): Promise<LogEntry[]>;
    get(hash: string): Promise<LogEntry | undefined>;
    has(hash: string): Promise<boolean>;
    iterator(options?: { amount?: number }): AsyncIterable<LogEntry>;
  }
  export interface AccessControllerInstance {
    type: string;
    address: string;
    write: string[];
    canAppend(entry: LogEntry): Promise<boolean>;
  }
  export type AccessControllerFactory = ((args: {
    orbitdb: { ipfs: unknown; identity: Identity; open: unknown };
    identities: unknown;
    address?: string;
    name?: string;
  }) => Promise<AccessControllerInstance>) & { type?: string };
  export interface Database {
    address: string;
    name: string;
    type: string;
    identity: Identity;
    access: AccessControllerInstance;
    peers: Set<string>;
    events: EventEmitter;
    log: Log;
    /** The sync protocol: gossip of new heads and the heads exchange with each joining peer. */
    sync: { start(): Promise<void>; stop(): Promise<void>; add(entry: LogEntry): Promise<void>; peers: Set<string> };
    close(): Promise<void>;
    drop(): Promise<void>;
  }
  export interface DocumentsDatabase<D extends { _id: string }> extends Database {
    put(doc: D): Promise<string>;
    get(key: string): Promise<{ hash: string; key: string; value: D } | undefined>;
    /** Every document of the log tested by `findFn` (a full scan). */
    query(findFn: (doc: D) => boolean): Promise<D[]>;
  }
  export interface OpenOptions {
    type?: "events" | "documents" | "keyvalue";
    AccessController?: AccessControllerFactory;
    sync?: boolean;
    meta?: unknown;
    headsStorage?: Storage;
    entryStorage?: Storage;
    indexStorage?: Storage;
    referencesCount?: number;
  }
  export interface OrbitDB {
    id: string;
    identity: Identity;
    identities: unknown;
    directory: string;
    ipfs: unknown;
    open<D extends { _id: string }>(address: string, options?: OpenOptions): Promise<DocumentsDatabase<D>>;
    stop(): Promise<void>;
  }
  export function createOrbitDB(options: { ipfs: unknown; id?: string; directory?: string }): Promise<OrbitDB>;
  export function useAccessController(factory: AccessControllerFactory & { type: string }): void;
  export function ComposedStorage(a: Storage, b: Storage): Promise<Storage>;
  export function LRUStorage(options?: { size?: number }): Promise<Storage>;
  export function IPFSBlockStorage(options: { ipfs: unknown; pin?: boolean; timeout?: number }): Promise<Storage>;
  export const Entry: {
    create<V>(
      identity: Identity,
      logId: string,
      payload: EntryPayload<V>,
      encryptPayloadFn?: undefined,
      clock?: { id: string; time: number } | null,
      next?: string[],
      refs?: string[],
    ): Promise<Omit<LogEntry<V>, "hash" | "bytes">>;
    encode(entry: object): Promise<{ hash: string; bytes: Uint8Array }>;
    decode(bytes: Uint8Array): Promise<LogEntry>;
    verify(identities: unknown, entry: LogEntry): Promise<boolean>;
    isEntry(value: unknown): boolean;
  };
}
