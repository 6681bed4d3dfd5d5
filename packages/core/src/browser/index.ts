/**
 * @stoa/core/browser: the local index's SQL engine in a browser, sqlite-wasm 3.54 (FTS5 included)
 * on the opfs-sahpool VFS in a dedicated Web Worker. The schema, queries and answers are the same
 * as with node:sqlite (`@stoa/core/node`); only the engine is injected.
 *
 * - The main thread never loads the wasm: the worker does, when the first index opens (~400 KB
 *   gzip, in its own chunk), and stops when the last one closes.
 * - Data lives in the origin private file system (OPFS) and survives reloads; no COOP/COEP headers
 *   are needed. The pool is one file set per origin, held by one worker at a time: a second tab
 *   that opens the index waits ~2 s, then fails with a SqliteError (SQLITE_BUSY). Electing one
 *   leader tab that holds the index (Web Locks) and serves the other tabs (BroadcastChannel) is
 *   future work, proposed in STACK.md; it is not built yet.
 * - No WAL (opfs-sahpool has no shared memory): the rollback journal, synchronous=NORMAL.
 * - SQLite's errors arrive as `SqliteError` with node:sqlite's fields (`errcode`, `errstr`).
 *
 * With Vite, keep sqlite-wasm out of dependency pre-bundling (`optimizeDeps: { exclude:
 * ["@sqlite.org/sqlite-wasm"] }`) so that it finds its `sqlite3.wasm`, and build workers as ES
 * modules (`worker: { format: "es" }`). With esbuild, build `sqlite-worker.ts` as a second entry,
 * copy `@sqlite.org/sqlite-wasm/sqlite3.wasm` beside it, and pass `worker`.
 *
 * @example
 * ```ts
 * import { RecordIndex, indexSpecOf } from "@stoa/core";
 * import { browserSqliteEngineFactory } from "@stoa/core/browser";
 * const engines = browserSqliteEngineFactory();
 * const index = await RecordIndex.open(await engines("listings"), indexSpecOf("listings"));
 * const { items, next } = await index.query({ text: "bicycle", filters: { category: "sports" }, limit: 20 });
 * await index.close(); // the last index closed stops the worker
 * ```
 */
export { browserSqliteEngineFactory, DEFAULT_INDEX_DIRECTORY, type BrowserSqliteOptions } from "./sqlite.ts";
