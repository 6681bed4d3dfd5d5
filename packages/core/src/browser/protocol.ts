/**
 * Messages between the browser engine (main thread) and its SQLite worker. Each request carries
 * an id that its response repeats; errors come back as plain data and become typed errors again
 * on the main thread.
 */
import type { SqlStatement, SqlValue } from "../index/engine.ts";

/** Options the worker needs to install the opfs-sahpool VFS. */
export interface PoolOptions {
  /** OPFS directory the pool keeps its files in. */
  directory: string;
}

export type EngineRequest =
  | { id: number; op: "open"; name: string; pool: PoolOptions }
  | { id: number; op: "exec"; db: number; sql: string }
  | { id: number; op: "all"; db: number; sql: string; params: readonly SqlValue[] }
  | { id: number; op: "run"; db: number; sql: string; params: readonly SqlValue[] }
  | { id: number; op: "batch"; db: number; statements: readonly SqlStatement[] }
  | { id: number; op: "close"; db: number }
  /** Releases the pool's OPFS handles before the worker is terminated. */
  | { id: number; op: "shutdown" };

/** An error as it crosses the worker boundary. */
export type EngineFault =
  | { kind: "sqlite"; message: string; errcode: number; errstr: string }
  | { kind: "range"; message: string }
  | { kind: "other"; name: string; message: string };

export type EngineResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; fault: EngineFault };
