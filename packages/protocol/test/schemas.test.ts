import { expect } from "chai";
import {
  buildRecord,
  MAX_BATCH_ITEMS,
  signBatch,
  signRecord,
  verifyEnvelope,
  type RecordType,
  type SignedRecord,
} from "../src/index.ts";
import { account, listing, NETWORK, thrown } from "./helpers.ts";

const alice = account();
const sign = <T extends RecordType>(type: T, body: unknown): SignedRecord<T> =>
  signRecord(NETWORK, buildRecord(type, alice.address, body as never), alice.key);

describe("record schemas and limits", function () {
  it("names the field and the rule of the first problem", function () {
    const error = thrown(() => verifyEnvelope(NETWORK, "listings", sign("listing", listing({ price: "01" }))));
    expect(error.name).to.equal("InvalidRecordError");
    expect(error.field).to.equal("body.price");
  });

  const bad: [RecordType, string, unknown, string][] = [
    ["profile", "profiles", { name: "" }, "body.name"],
    ["profile", "profiles", { name: "x".repeat(65) }, "body.name"],
    ["profile", "profiles", { name: "A", avatar: "not-a-cid" }, "body.avatar"],
    ["profile", "profiles", { name: "A", links: ["http://insecure.example"] }, "body.links.0"],
    ["profile", "profiles", { name: "A", extra: 1 }, "body"],
    ["listing", "listings", listing({ title: "x".repeat(141) }), "body.title"],
    ["listing", "listings", listing({ description: "x".repeat(5001) }), "body.description"],
    ["listing", "listings", listing({ category: "Not A Slug" }), "body.category"],
    ["listing", "listings", listing({ price: (1n << 256n).toString() }), "body.price"],
    ["listing", "listings", listing({ currency: "0xABC" }), "body.currency"],
    [
      "listing",
      "listings",
      listing({ images: Array(11).fill("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku") }),
      "body.images",
    ],
    [
      "review",
      "reviews",
      { chainId: 31337, marketplace: alice.address, orderId: "1", seller: alice.address, rating: 6, text: "" },
      "body.rating",
    ],
    [
      "order-note",
      "orderNotes",
      { chainId: 1, orderId: "1", recipient: alice.address, epk: "0x00", nonce: "0x00", ciphertext: "" },
      "body.epk",
    ],
    ["delegation", "delegations", { delegate: alice.address, scope: [], expiresAt: 0 }, "body.scope"],
  ];
  for (const [type, family, body, field] of bad) {
    it(`refuses ${type} with a bad ${field}`, function () {
      const error = thrown(() => verifyEnvelope(NETWORK, family as never, sign(type, body)));
      expect(error.name).to.equal("InvalidRecordError");
      expect(error.field).to.equal(field);
    });
  }

  it("refuses unknown types and versions, and envelope fields it does not know", function () {
    const record = sign("profile", { name: "A" });
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, type: "poll" })).field).to.equal("type");
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, v: 2 })).field).to.equal("v");
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, extra: true })).name).to.equal(
      "InvalidRecordError",
    );
    expect(
      thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, author: record.author.toUpperCase() })).field,
    ).to.equal("author");
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, createdAt: 1 })).field).to.equal("createdAt");
  });

  it("limits batches to MAX_BATCH_ITEMS items and keeps delegations out of batches", function () {
    const now = Date.now();
    const item = (i: number) => ({ type: "listing" as const, v: 1, createdAt: now, body: listing({ key: `k${i}` }) });
    const tooMany = signBatch(
      NETWORK,
      "listings",
      alice.address,
      Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => item(i)),
      alice.key,
    );
    expect(thrown(() => verifyEnvelope(NETWORK, "listings", tooMany)).field).to.equal("items");
    const withDelegation = signBatch(
      NETWORK,
      "delegations",
      alice.address,
      [
        {
          type: "delegation",
          v: 1,
          createdAt: now,
          body: { delegate: alice.address, scope: ["listing"], expiresAt: now },
        },
      ],
      alice.key,
    );
    expect(thrown(() => verifyEnvelope(NETWORK, "delegations", withDelegation)).rule).to.equal("batch");
  });

  it("keys versioned records: profile per author, listing by key, review by order", function () {
    const verify = (type: RecordType, family: string, body: unknown) =>
      verifyEnvelope(NETWORK, family as never, sign(type, body)).records[0]!.key;
    expect(verify("profile", "profiles", { name: "A" })).to.equal("profile");
    expect(verify("listing", "listings", listing({ key: "abc" }))).to.equal("abc");
    expect(
      verify("review", "reviews", {
        chainId: 31337,
        marketplace: alice.address,
        orderId: "7",
        seller: alice.address,
        rating: 5,
        text: "ok",
      }),
    ).to.equal(`31337:${alice.address}:7`);
    expect(
      verify("order-note", "orderNotes", {
        chainId: 1,
        orderId: "1",
        recipient: alice.address,
        epk: `0x${"ab".repeat(32)}`,
        nonce: `0x${"cd".repeat(24)}`,
        ciphertext: "aGVsbG8=",
      }),
    ).to.equal(undefined);
  });
});
