import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RecordIndex } from "../../src/index/record-index.ts";
import type { IndexSpec } from "../../src/index/spec.ts";
import { listingsIndex } from "../../src/index/specs.ts";
import { createNodeSqliteEngine, nodeSqliteEngineFactory } from "../../src/node/sqlite.ts";
import { address, allPages, entriesOf, IndexFiles, listing, rejection } from "./fixtures.ts";

describe("the node:sqlite engine", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  it("runs a batch in one transaction: all of it, or nothing when a statement fails", async function () {
    const engine = await createNodeSqliteEngine(files.path());
    try {
      await engine.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
      await engine.batch([{ sql: "INSERT INTO t VALUES (?)", params: [1] }, { sql: "INSERT INTO t VALUES (2)" }]);
      const error = await rejection(
        engine.batch([
          { sql: "INSERT INTO t VALUES (?)", params: [3] },
          { sql: "INSERT INTO t VALUES (?)", params: [1] },
        ]),
      );
      expect(error.message).to.match(/UNIQUE/);
      expect((await engine.all<{ x: number }>("SELECT x FROM t ORDER BY x")).map((r) => r.x)).to.deep.equal([1, 2]);
      expect(await engine.run("DELETE FROM t WHERE x > ?", [1])).to.deep.equal({ changes: 1 });
      // the engine is usable after a failed batch
      await engine.batch([{ sql: "INSERT INTO t VALUES (5)" }]);
      const [mode] = await engine.all<{ journal_mode: string }>("PRAGMA journal_mode");
      expect(mode?.journal_mode).to.equal("wal");
    } finally {
      await engine.close();
      await engine.close();
    }
  });

  it("binds integers as integers and reads them back as numbers", async function () {
    const engine = await createNodeSqliteEngine(":memory:");
    try {
      const [row] = await engine.all<{ t: string; v: number }>("SELECT typeof(?) AS t, ? + 0 AS v", [42, 42]);
      expect(row).to.include({ t: "integer", v: 42 });
      const [real] = await engine.all<{ t: string }>("SELECT typeof(?) AS t", [1.5]);
      expect(real?.t).to.equal("real");
    } finally {
      await engine.close();
    }
  });

  it("opens one file per name under the directory, or in memory, and refuses names that are paths", async function () {
    const factory = nodeSqliteEngineFactory(files.dir);
    const engine = await factory("stoa-dev-listings");
    await engine.close();
    expect(existsSync(join(files.dir, "stoa-dev-listings.sqlite"))).to.equal(true);
    for (const name of ["../escape", "a/b", ".hidden", ""]) {
      expect(await rejection(factory(name))).to.be.instanceOf(RangeError);
    }
    const memory = await nodeSqliteEngineFactory(":memory:")("x");
    await memory.close();
  });

  it("keeps node:sqlite's ExperimentalWarning out of the user's way, and only that warning", function () {
    const module = fileURLToPath(new URL("../../src/node/sqlite.ts", import.meta.url));
    const script = `const { createNodeSqliteEngine } = await import(${JSON.stringify(module)});
      const engine = await createNodeSqliteEngine(":memory:"); await engine.close();
      process.emitWarning("another warning");`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.status).to.equal(0);
    expect(child.stderr).to.include("another warning");
    expect(child.stderr).to.not.include("SQLite is an experimental feature");
  });
});

describe("RecordIndex: schema versions", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  it("rebuilds what derives from the spec when the spec changes, in SQL, keeping every record and policy", async function () {
    const path = files.path("migrate");
    const withoutQuantity: IndexSpec = { ...listingsIndex, quota: 2 };
    const index = await files.open(withoutQuantity, {}, path);
    const records = [0, 1, 2, 3].map((i) => listing(address(1), i, { title: `bike ${i}`, quantity: i }));
    await index.ingestMany(entriesOf([...records, listing(address(2), 9)]));
    await index.setDenied(address(2), true);
    expect(await index.count()).to.equal(2);
    await index.close();

    const withQuantity: IndexSpec = {
      ...listingsIndex,
      columns: {
        ...listingsIndex.columns,
        quantity: { from: "$.quantity", type: "integer", filters: ["eq", "range"] },
      },
      quota: 3,
    };
    const migrated = await files.open(withQuantity, {}, path);
    expect(await migrated.stats()).to.deep.equal({ records: 5, entries: 5, hidden: 2 });
    expect((await allPages(migrated, { filters: { quantity: { gte: 1 } } })).map((r) => r.id).sort()).to.deep.equal(
      records
        .slice(1, 3)
        .map((r) => r.id)
        .sort(),
    );
    expect((await migrated.query({ text: "bike" })).items).to.have.length(3);
    expect(await migrated.get(records[3]!.id)).to.equal(undefined);
    await migrated.setDenied(address(2), false);
    expect(await migrated.count()).to.equal(4);
  });

  it("refuses a file written by a later layout with IndexVersionError", async function () {
    const path = files.path("future");
    const engine = await createNodeSqliteEngine(path);
    await engine.exec(
      "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID; INSERT INTO meta VALUES ('layout', '99')",
    );
    await engine.close();
    const error = await rejection(RecordIndex.open(await createNodeSqliteEngine(path), listingsIndex));
    expect(error).to.include({ name: "IndexVersionError", found: 99, supported: 1 });
  });

  it("refuses an inconsistent spec when it opens", async function () {
    const bad: IndexSpec = { ...listingsIndex, defaultSort: "cheapest" };
    const error = await rejection(RecordIndex.open(await createNodeSqliteEngine(":memory:"), bad));
    expect(error.message).to.match(/default sort/);
  });
});
