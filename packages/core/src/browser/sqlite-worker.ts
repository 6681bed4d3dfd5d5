/**
 * The browser engine's dedicated worker: sqlite-wasm on the opfs-sahpool VFS (OPFS sync access
 * handles, which only a worker may hold; no COOP/COEP needed). It answers the requests of
 * `protocol.ts` one at a time, in arrival order, for every database of the origin's pool.
 *
 * Started by `browserSqliteEngineFactory` (sqlite.ts); a bundler builds it as its own chunk, so the
 * wasm (~400 KB gzip) loads only when the first index opens.
 */
import sqlite3InitModule, {
  type Database,
  type PreparedStatement,
  type SAHPoolUtil,
  type Sqlite3Static,
} from "@sqlite.org/sqlite-wasm";
import type { SqlStatement, SqlValue } from "../index/engine.ts";
import type { EngineFault, EngineRequest, EngineResponse, PoolOptions } from "./protocol.ts";

/** The parts of DedicatedWorkerGlobalScope used here (the packages' tsconfig has the DOM lib). */
interface WorkerScope {
  postMessage(message: EngineResponse): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
}

/** Most prepared statements kept per database, as in the Node engine. */
const STATEMENT_CACHE_SIZE = 256;
/** Pool slots each database may need: its file and its rollback journal. */
const SLOTS_PER_DATABASE = 2;
/**
 * Attempts to take the pool's OPFS handles: the worker of a page being reloaded, or of a tab being
 * closed, can hold them for a moment longer. A tab that keeps them open keeps them (see index.ts).
 */
const INSTALL_ATTEMPTS = 8;
const INSTALL_RETRY_MS = 250;
const SQLITE_BUSY = 5;

/**
 * The Node engine's pragmas, minus those that have no meaning here: no WAL (opfs-sahpool has no
 * shared memory; the rollback journal is the default), no busy_timeout (the pool is this worker's
 * alone, so nothing else holds a lock).
 */
const PRAGMAS = `
  PRAGMA synchronous = NORMAL;
  PRAGMA temp_store = MEMORY;
  PRAGMA cache_size = -16000;
`;

const scope = self as unknown as WorkerScope;

let sqlite3: Promise<Sqlite3Static> | undefined;
let pool: Promise<SAHPoolUtil> | undefined;
const databases = new Map<number, { db: Database; statements: Map<string, PreparedStatement> }>();
let nextDatabase = 1;

class RangeFault extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function installPool(options: PoolOptions): Promise<SAHPoolUtil> {
  const module = await (sqlite3 ??= sqlite3InitModule());
  for (let attempt = 1; ; attempt++) {
    try {
      // A failed attempt must neither delete the pool (the default) nor be cached for good
      // (`forceReinitIfPreviouslyFailed` is documented in sqlite-wasm but missing from its types).
      const install = {
        name: "stoa-sahpool",
        directory: options.directory,
        initialCapacity: 4 * SLOTS_PER_DATABASE,
        preserveOnInitFailure: true,
        forceReinitIfPreviouslyFailed: true,
      };
      return await module.installOpfsSAHPoolVfs(install);
    } catch (error) {
      if (attempt >= INSTALL_ATTEMPTS) {
        const reason = error instanceof Error ? error.message : String(error);
        throw Object.assign(
          new Error(
            `the local index is held by another tab or worker of this origin (opfs-sahpool allows one): ${reason}`,
          ),
          { resultCode: SQLITE_BUSY },
        );
      }
      await sleep(INSTALL_RETRY_MS);
    }
  }
}

async function open(name: string, options: PoolOptions): Promise<number> {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
    throw new RangeFault(`index name must be letters, digits, ".", "_" or "-": ${name}`);
  }
  const installing = (pool ??= installPool(options));
  installing.catch(() => (pool = undefined));
  const sahPool = await installing;
  await sahPool.reserveMinimumCapacity((databases.size + 1) * SLOTS_PER_DATABASE + SLOTS_PER_DATABASE);
  const db = new sahPool.OpfsSAHPoolDb(`/${name}.sqlite`);
  try {
    db.exec(PRAGMAS);
  } catch (error) {
    db.close();
    throw error;
  }
  const id = nextDatabase++;
  databases.set(id, { db, statements: new Map() });
  return id;
}

function database(id: number) {
  const entry = databases.get(id);
  if (!entry) throw new RangeFault(`database ${id} is closed`);
  return entry;
}

/** A cached prepared statement, reset and bound to `params` (least recently used dropped first). */
function prepared(id: number, sql: string, params: readonly SqlValue[]): PreparedStatement {
  const { db, statements } = database(id);
  let statement = statements.get(sql);
  if (statement) {
    statements.delete(sql);
    statement.reset(true);
  } else {
    statement = db.prepare(sql);
    if (statements.size >= STATEMENT_CACHE_SIZE) {
      const [oldestSql, oldest] = statements.entries().next().value!;
      statements.delete(oldestSql);
      oldest.finalize();
    }
  }
  statements.set(sql, statement);
  bind(statement, params);
  return statement;
}

/**
 * Binds as the Node engine does: safe integers as 64-bit integers (FTS5 seeks on a rowid
 * constraint only then), other numbers as REAL (sqlite-wasm would try int64 for any integral
 * number), the rest as is.
 */
function bind(statement: PreparedStatement, params: readonly SqlValue[]): void {
  if (params.length > statement.parameterCount) {
    throw new RangeFault(`${params.length} parameters for a statement that takes ${statement.parameterCount}`);
  }
  params.forEach((value, i) => {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      const rc = sqlite3Api().capi.sqlite3_bind_double(statement, i + 1, value);
      if (rc !== 0) throw Object.assign(new Error(sqlite3Api().capi.sqlite3_errstr(rc)), { resultCode: rc });
    } else {
      statement.bind(i + 1, typeof value === "number" ? BigInt(value) : value);
    }
  });
}

let api: Sqlite3Static | undefined;
function sqlite3Api(): Sqlite3Static {
  if (!api) throw new RangeFault("sqlite-wasm is not loaded");
  return api;
}

function all(id: number, sql: string, params: readonly SqlValue[]): Record<string, SqlValue>[] {
  const statement = prepared(id, sql, params);
  const rows: Record<string, SqlValue>[] = [];
  try {
    while (statement.step()) rows.push(statement.get({}) as Record<string, SqlValue>);
  } finally {
    statement.reset();
  }
  return rows;
}

function run(id: number, sql: string, params: readonly SqlValue[]): { changes: number } {
  const statement = prepared(id, sql, params);
  try {
    statement.step();
  } finally {
    statement.reset();
  }
  return { changes: database(id).db.changes() };
}

function batch(id: number, statements: readonly SqlStatement[]): void {
  const { db } = database(id);
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const { sql, params = [] } of statements) run(id, sql, params);
    db.exec("COMMIT");
  } catch (error) {
    if (!sqlite3Api().capi.sqlite3_get_autocommit(db)) db.exec("ROLLBACK");
    throw error;
  }
}

function close(id: number): void {
  const entry = databases.get(id);
  if (!entry) return;
  databases.delete(id);
  for (const statement of entry.statements.values()) statement.finalize();
  entry.statements.clear();
  // The planner's statistics up to date for the next open, as in the Node engine.
  try {
    entry.db.exec("PRAGMA optimize");
  } finally {
    entry.db.close();
  }
}

async function shutdown(): Promise<void> {
  for (const id of [...databases.keys()]) close(id);
  const installed = await pool?.catch(() => undefined);
  installed?.pauseVfs();
  pool = undefined;
}

async function answer(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case "open": {
      api ??= await (sqlite3 ??= sqlite3InitModule());
      return open(request.name, request.pool);
    }
    case "exec":
      database(request.db).db.exec(request.sql);
      return undefined;
    case "all":
      return all(request.db, request.sql, request.params);
    case "run":
      return run(request.db, request.sql, request.params);
    case "batch":
      return batch(request.db, request.statements);
    case "close":
      return close(request.db);
    case "shutdown":
      return shutdown();
  }
}

/** SQLite's own message, without sqlite-wasm's "SQLITE_ERROR: sqlite3 result code 1: " prefix. */
function sqliteMessage(message: string): string {
  return message.replace(/^SQLITE_[A-Z_]+: sqlite3 result code \d+: /, "");
}

function fault(error: unknown, request: EngineRequest): EngineFault {
  if (error instanceof RangeFault) return { kind: "range", message: error.message };
  const resultCode = (error as { resultCode?: unknown } | null)?.resultCode;
  if (api && typeof resultCode === "number" && error instanceof Error) {
    // The extended code (e.g. SQLITE_CONSTRAINT_UNIQUE), as node:sqlite reports it.
    const db = "db" in request ? databases.get(request.db)?.db : undefined;
    const extended = db ? api.capi.sqlite3_extended_errcode(db) : 0;
    const errcode = (extended & 0xff) === (resultCode & 0xff) ? extended : resultCode;
    return { kind: "sqlite", message: sqliteMessage(error.message), errcode, errstr: api.capi.sqlite3_errstr(errcode) };
  }
  if (error instanceof Error) return { kind: "other", name: error.name, message: error.message };
  return { kind: "other", name: "Error", message: String(error) };
}

/** Requests run strictly one after another: a batch's transaction never interleaves with others. */
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      scope.postMessage({ id: request.id, ok: true, result: await answer(request) });
    } catch (error) {
      scope.postMessage({ id: request.id, ok: false, fault: fault(error, request) });
    }
  });
};
