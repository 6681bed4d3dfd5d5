/**
 * The index's SQL engine in the browser: sqlite-wasm with the opfs-sahpool VFS, in a dedicated
 * worker (sqlite-worker.ts) that this side talks to by messages. The worker starts with the first
 * database opened, and stops when the last one closes; every database of a factory shares it.
 */
import { NotStartedError, SqliteError } from "../errors.ts";
import type { SqlEngine, SqlEngineFactory, SqlStatement, SqlValue } from "../index/engine.ts";
import type { EngineFault, EngineRequest, EngineResponse } from "./protocol.ts";

/** A request as the caller writes it; the connection adds the id. */
type Request = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export interface BrowserSqliteOptions {
  /**
   * OPFS directory of the database pool (default ".stoa-index"). Databases live there as
   * `/<name>.sqlite`; another directory is another, separate set of indexes.
   */
  directory?: string;
  /**
   * Starts the worker. The default, `new Worker(new URL("./sqlite-worker.ts", import.meta.url))`,
   * is the form Vite, webpack 5 and Parcel build as a worker chunk; pass your own when a bundler
   * builds the worker otherwise (e.g. esbuild with sqlite-worker.ts as a second entry).
   */
  worker?: () => Worker;
}

export const DEFAULT_INDEX_DIRECTORY = ".stoa-index";

function defaultWorker(): Worker {
  return new Worker(new URL("./sqlite-worker.ts", import.meta.url), { type: "module", name: "stoa-sqlite" });
}

function errorOf(fault: EngineFault): Error {
  switch (fault.kind) {
    case "sqlite":
      return new SqliteError(fault.message, fault.errcode, fault.errstr);
    case "range":
      return new RangeError(fault.message);
    case "other":
      return Object.assign(new Error(fault.message), { name: fault.name });
  }
}

/** One worker and its pending requests. */
class WorkerConnection {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #failure: Error | undefined;
  /** Databases open (or opening) on this worker. */
  users = 0;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<EngineResponse>) => {
      const response = event.data;
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (response.ok) pending.resolve(response.result);
      else pending.reject(errorOf(response.fault));
    };
    // The worker script failed to load or threw outside a request: nothing more will answer.
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#fail(new Error(`the SQLite worker failed: ${event.message || "it could not be loaded"}`));
    };
    worker.onmessageerror = () => this.#fail(new Error("the SQLite worker sent a message that could not be read"));
  }

  request<T>(request: Request): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  /** Whether the worker can no longer answer (it failed, or was stopped). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Releases the pool's OPFS handles, then ends the worker. */
  async stop(): Promise<void> {
    await this.request({ op: "shutdown" }).catch(() => undefined);
    this.#worker.terminate();
    this.#fail(new NotStartedError("the SQLite worker was stopped"));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

class BrowserSqliteEngine implements SqlEngine {
  readonly #connection: WorkerConnection;
  readonly #db: number;
  readonly #onClose: () => Promise<void>;
  #closed: Promise<void> | undefined;

  constructor(connection: WorkerConnection, db: number, onClose: () => Promise<void>) {
    this.#connection = connection;
    this.#db = db;
    this.#onClose = onClose;
  }

  exec(sql: string): Promise<void> {
    return this.#request({ op: "exec", db: this.#db, sql });
  }

  all<Row = Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.#request({ op: "all", db: this.#db, sql, params });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.#request({ op: "run", db: this.#db, sql, params });
  }

  batch(statements: readonly SqlStatement[]): Promise<void> {
    return this.#request({ op: "batch", db: this.#db, statements });
  }

  /** Closes the database (after `PRAGMA optimize`); the last one to close stops the worker. */
  close(): Promise<void> {
    this.#closed ??= this.#connection.request<void>({ op: "close", db: this.#db }).finally(this.#onClose);
    return this.#closed;
  }

  #request<T>(request: Request): Promise<T> {
    if (this.#closed) return Promise.reject(new NotStartedError("the SQL engine is closed"));
    return this.#connection.request<T>(request);
  }
}

/**
 * Engines in the browser, one database per name in the origin's opfs-sahpool pool. The worker
 * (and with it the ~400 KB gzip wasm) loads at the first call. Use one factory per app: the pool
 * admits one worker per origin and directory at a time.
 */
export function browserSqliteEngineFactory(options: BrowserSqliteOptions = {}): SqlEngineFactory {
  const directory = options.directory ?? DEFAULT_INDEX_DIRECTORY;
  const startWorker = options.worker ?? defaultWorker;
  let connection: WorkerConnection | undefined;

  const release = async (from: WorkerConnection) => {
    from.users--;
    if (from.users > 0) return;
    if (connection === from) connection = undefined;
    await from.stop();
  };

  return async (name: string) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
      throw new RangeError(`index name must be letters, digits, ".", "_" or "-": ${name}`);
    }
    if (!connection || connection.failed) connection = new WorkerConnection(startWorker());
    const current = connection;
    current.users++;
    let db: number;
    try {
      db = await current.request<number>({ op: "open", name, pool: { directory } });
    } catch (error) {
      await release(current);
      throw error;
    }
    return new BrowserSqliteEngine(current, db, () => release(current));
  };
}
