/**
 * @stoa/core/node: Node-only defaults for a StoaNode: LevelDB block and data stores, the
 * node:sqlite index engine and the OrbitDB directory, all under one repo directory.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { LevelBlockstore } from "blockstore-level";
import { LevelDatastore } from "datastore-level";
import { nodeSqliteEngineFactory } from "./sqlite.ts";

export { createNodeSqliteEngine, nodeSqliteEngineFactory } from "./sqlite.ts";

/** Storage for a StoaNode under `dir`: blocks/, data/, orbitdb/ and index/. */
export function nodeStorage(dir: string) {
  mkdirSync(join(dir, "index"), { recursive: true });
  return {
    blockstore: new LevelBlockstore(join(dir, "blocks")),
    datastore: new LevelDatastore(join(dir, "data")),
    orbitdbDirectory: join(dir, "orbitdb"),
    index: nodeSqliteEngineFactory(join(dir, "index")),
  };
}
