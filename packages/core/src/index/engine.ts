/**
 * The SQL engine an index runs on, injected by the caller: `node:sqlite` in Node
 * (`@stoa/core/node`), sqlite-wasm with the opfs-sahpool VFS in a browser worker. Async, so that a
 * worker-backed engine fits; both engines run the same SQL (SQLite 3.4x with FTS5).
 */
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqlStatement {
  sql: string;
  params?: readonly SqlValue[];
}

export interface SqlEngine {
  /** Runs one or more statements without parameters (schema, pragmas). */
  exec(sql: string): Promise<void>;
  /** Rows of a query, as plain objects keyed by column name. */
  all<Row = Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs one statement; `changes` is the number of rows it wrote. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs statements in one transaction: all of them or none. */
  batch(statements: readonly SqlStatement[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens (or creates) the engine of one named database, e.g. one per record family. */
export type SqlEngineFactory = (name: string) => Promise<SqlEngine>;
