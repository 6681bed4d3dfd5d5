/**
 * The index's SQL engine on Node's built-in `node:sqlite` (SQLite 3.5x with FTS5, no native
 * dependency). One `DatabaseSync` per file, in WAL mode with synchronous=NORMAL (a crash loses at
 * most the last transactions, never the file), prepared statements cached, and `batch` in one
 * transaction. The engine is synchronous underneath; the async interface is the one a
 * worker-backed browser engine needs.
 */
import { join } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { SqlEngine, SqlEngineFactory, SqlStatement, SqlValue } from "../index/engine.ts";

type SqliteModule = typeof import("node:sqlite");

/** Most prepared statements kept per database; query shapes beyond it are prepared again. */
const STATEMENT_CACHE_SIZE = 256;

let sqliteModule: Promise<SqliteModule> | undefined;

/**
 * Loads `node:sqlite` without its ExperimentalWarning ("SQLite is an experimental feature"): the
 * warning is Node's, not the user's business. Only that one warning is dropped, only while loading.
 */
function loadSqlite(): Promise<SqliteModule> {
  sqliteModule ??= (async () => {
    type EmitWarning = (warning: string | Error, ...rest: unknown[]) => void;
    const emitWarning = Reflect.get(process, "emitWarning") as EmitWarning;
    const filtered: EmitWarning = (warning, ...rest) => {
      const message = typeof warning === "string" ? warning : warning.message;
      if (!/SQLite is an experimental feature/.test(message)) emitWarning.call(process, warning, ...rest);
    };
    Reflect.set(process, "emitWarning", filtered);
    try {
      return await import("node:sqlite");
    } finally {
      Reflect.set(process, "emitWarning", emitWarning);
    }
  })();
  return sqliteModule;
}

/**
 * node:sqlite binds every JS number as a REAL; integers go as 64-bit integers instead (as
 * sqlite-wasm binds them), or FTS5 cannot seek on a rowid constraint and scans its whole list.
 */
function bindable(params: readonly SqlValue[]): SqlValue[] {
  return params.map((value) => (typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value));
}

class NodeSqliteEngine implements SqlEngine {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  exec(sql: string): Promise<void> {
    return settle(() => {
      this.#db.exec(sql);
    });
  }

  all<Row = Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return settle(() => this.#prepare(sql).all(...bindable(params)) as Row[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return settle(() => ({ changes: Number(this.#prepare(sql).run(...bindable(params)).changes) }));
  }

  batch(statements: readonly SqlStatement[]): Promise<void> {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const { sql, params = [] } of statements) this.#prepare(sql).run(...bindable(params));
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#statements.clear();
    return settle(() => {
      if (!this.#db.isOpen) return;
      // Leave a small WAL behind, and the planner's statistics up to date, for the next open.
      this.#db.exec("PRAGMA optimize");
      this.#db.close();
    });
  }

  /** A cached prepared statement (least recently used ones are dropped beyond the cache size). */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement) {
      this.#statements.delete(sql);
    } else {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value!);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }
}

/**
 * Opens (or creates) the SQLite database at `path` (":memory:" for a throw-away one) as an
 * engine for the local index.
 */
export async function createNodeSqliteEngine(path: string): Promise<SqlEngine> {
  const { DatabaseSync } = await loadSqlite();
  const db = new DatabaseSync(path);
  try {
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA temp_store = MEMORY;
      PRAGMA cache_size = -16000;
      PRAGMA busy_timeout = 5000;
    `);
  } catch (error) {
    db.close();
    throw error;
  }
  return new NodeSqliteEngine(db);
}

/**
 * Engines under `dir`, one file per name (`<dir>/<name>.sqlite`); `dir` ":memory:" gives each
 * name its own in-memory database, for tests.
 */
export function nodeSqliteEngineFactory(dir: string): SqlEngineFactory {
  return (name: string) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
      return Promise.reject(new RangeError(`index name must be letters, digits, ".", "_" or "-": ${name}`));
    }
    return createNodeSqliteEngine(dir === ":memory:" ? ":memory:" : join(dir, `${name}.sqlite`));
  };
}

/** Runs synchronous SQLite work as the engine's promise: an error rejects, it never throws. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
