import { expect } from "chai";
import type { SqlEngine } from "../../src/index/engine.ts";
import { ingestStatements, settleStatements } from "../../src/index/ingest.ts";
import { RecordIndex, type RecordQuery } from "../../src/index/record-index.ts";
import { buildSchema } from "../../src/index/schema.ts";
import { indexSpecOf, listingsIndex } from "../../src/index/specs.ts";
import { address, entriesOf, IndexFiles, listing, prng, T0 } from "./fixtures.ts";

/**
 * The planner was measured picking a worse index (a temp B-tree sort) for the main shapes; the
 * query builder names its index, and these checks keep it honest, with and without ANALYZE.
 */
describe("RecordIndex: query plans", function () {
  let files: IndexFiles;
  let engine: SqlEngine;
  let index: RecordIndex;
  before(async function () {
    files = new IndexFiles();
    engine = await files.engine(files.path());
    index = await RecordIndex.open(engine, listingsIndex);
    const random = prng(3);
    const records = Array.from({ length: 3_000 }, (_, i) =>
      listing(
        address(1 + (i % 40)),
        i,
        {
          category: `category-${Math.floor(random() ** 2 * 12)}`,
          price: String(Math.floor(10 ** (2 + random() * 5))),
          title: `item ${["red", "blue", "green", "bike", "lamp"][i % 5]} ${i % 7 === 0 ? "vintage" : "new"}`,
        },
        T0 + i * 1000,
      ),
    );
    await index.ingestMany(entriesOf(records));
  });
  after(async function () {
    await index.close();
    await files.cleanup();
  });

  const shapes: [string, RecordQuery, string | undefined][] = [
    [
      "category + price range, newest first",
      { filters: { category: "category-1", price: { gte: "1000", lte: "50000" } } },
      "records_by_category",
    ],
    [
      "category, cheapest first",
      { filters: { category: "category-1" }, sort: "price-asc" },
      "records_by_category_price",
    ],
    [
      "category, dearest first, with a range",
      { filters: { category: "category-1", price: { gte: "100" } }, sort: "price-desc" },
      "records_by_category_price",
    ],
    ["all listings by price", { sort: "price-asc" }, "records_by_price"],
    ["author feed", { author: address(3) }, "records_author"],
    ["author history", { author: address(3), history: true }, "records_author"],
    ["seller filter (author)", { filters: { seller: address(3) }, sort: "oldest" }, "records_author"],
    ["global feed", {}, "records_feed"],
    ["global feed, oldest first", { sort: "oldest" }, "records_feed"],
  ];

  for (const analyzed of [false, true]) {
    describe(analyzed ? "after ANALYZE" : "before ANALYZE", function () {
      before(async function () {
        if (analyzed) await engine.exec("ANALYZE");
      });
      for (const [name, query, expected] of shapes) {
        it(`${name}: ${expected}, no sort step`, async function () {
          const { index: chosen, plan } = await index.explain(query);
          expect(chosen).to.equal(expected);
          expect(plan.join(" | ")).to.match(
            new RegExp(`SEARCH r USING (COVERING )?INDEX ${expected}\\b|SCAN r USING (COVERING )?INDEX ${expected}\\b`),
          );
          expect(plan.join(" | ")).to.not.include("TEMP B-TREE");
        });
      }

      it("text + category: FTS drives, the facet inside MATCH, records by rowid", async function () {
        const { plan, params } = await index.explain({ text: "vintage", filters: { category: "category-0" } });
        expect(plan.join(" | ")).to.match(/SCAN f VIRTUAL TABLE INDEX \d+:M/);
        expect(plan.join(" | ")).to.include("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)");
        expect(params[0]).to.be.a("string").and.include("vintage");
      });

      it("broad text newest first: the category index drives, matches read once", async function () {
        const broad = await RecordIndex.open(await files.engine(files.path()), listingsIndex, {
          rankLimits: { rankLimit: 2 },
        });
        try {
          await broad.ingestMany(
            entriesOf(Array.from({ length: 30 }, (_, i) => listing(address(1), i, { title: "bike", category: "c" }))),
          );
          const { plan, index: chosen } = await broad.explain({ text: "bike", filters: { category: "c" } });
          expect(chosen).to.equal("records_by_category");
          expect(plan.join(" | ")).to.match(/USING (COVERING )?INDEX records_by_category \(c_category=\?\)/);
          expect(plan.join(" | ")).to.include("LIST SUBQUERY").and.not.include("TEMP B-TREE");
        } finally {
          await broad.close();
        }
      });
    });
  }

  it("settles an ingest from the new rows only: no statement scans the records table", async function () {
    const schema = buildSchema(listingsIndex);
    const statements = [
      ...ingestStatements(schema, entriesOf([listing(address(1), 99_999)]), 3_000),
      ...settleStatements(schema, { where: "author = ?", params: [address(1)] }),
    ];
    for (const { sql, params } of statements) {
      const plan = await engine.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params ?? []);
      for (const { detail } of plan) {
        expect(detail, sql).to.not.match(/^SCAN (records|r|h)\b/);
        expect(detail, sql).to.not.match(/COVERING INDEX records_versions$/);
      }
    }
  });

  it("every family's spec builds and answers its own indexed shapes without a sort step", async function () {
    const cases: [Parameters<typeof indexSpecOf>[0], RecordQuery, string][] = [
      ["reviews", { filters: { seller: address(1) } }, "records_by_seller"],
      ["orderNotes", { filters: { recipient: address(1) } }, "records_by_recipient"],
      ["orderNotes", { filters: { orderId: "5" }, sort: "oldest" }, "records_by_orderId"],
      ["delegations", { filters: { delegate: address(1) } }, "records_by_delegate"],
      ["profiles", { filters: { name: "Ada" } }, "records_by_name"],
    ];
    for (const [family, query, expected] of cases) {
      const other = await RecordIndex.open(await files.engine(files.path()), indexSpecOf(family));
      try {
        const { index: chosen, plan } = await other.explain(query);
        expect(chosen).to.equal(expected);
        expect(plan.join(" | ")).to.not.include("TEMP B-TREE");
      } finally {
        await other.close();
      }
    }
  });
});
