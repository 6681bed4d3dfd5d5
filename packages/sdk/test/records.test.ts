import { verifyEnvelope, type ListingV1 } from "@stoa/protocol";
import { expect } from "chai";
import { StoaApiError, type ApiStoredRecord, type StoaClient } from "../src/index.ts";
import { freshAccount, NETWORK, testClient } from "./helpers.ts";

function listing(i: number, overrides: Partial<ListingV1> = {}): ListingV1 {
  return {
    key: `sdk-item-${i}`,
    title: `sdk bicycle number ${i}`,
    description: `A well kept tandem, item ${i}.`,
    category: i % 2 === 0 ? "sports" : "books",
    price: String(1_000 + i),
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
    ...overrides,
  };
}

describe("records: sign, put, get, query, subscribe", function () {
  let stoa: StoaClient;
  before(async function () {
    stoa = await testClient({ signer: freshAccount() });
    await stoa.signIn();
  });

  it("signs a profile with the wallet (EIP-712) for the node's network, puts and gets it", async function () {
    const signed = await stoa.signRecord({ type: "profile", body: { name: "Ada", bio: "engineer" } });
    const verified = verifyEnvelope(NETWORK, "profiles", signed);
    expect(verified.author).to.equal(stoa.signing!.address.toLowerCase());
    const put = await stoa.putRecord({ envelope: signed });
    expect(put.id).to.equal(verified.id);
    const got = await stoa.getRecord({ family: "profiles", id: put.id });
    expect(got.body).to.deep.equal({ name: "Ada", bio: "engineer" });
    expect(got.current).to.equal(true);
    const page = await stoa.queryRecords({ family: "profiles", author: verified.author });
    expect(page.items.map((r) => r.id)).to.deep.equal([put.id]);
  });

  it("publishes listings and queries them by filter, range, text, sort and cursor", async function () {
    const batch = await stoa.signRecords({
      family: "listings",
      items: [0, 1, 2, 3, 4].map((i) => ({ type: "listing", body: listing(i) })),
    });
    const put = await stoa.putRecord({ envelope: batch, family: "listings" });
    expect(put.records).to.have.length(5);
    const author = stoa.signing!.address.toLowerCase();

    const sports = await stoa.queryRecords({ family: "listings", author, filters: { category: "sports" } });
    expect(sports.items.map((r) => (r.body as ListingV1).key).sort()).to.deep.equal([
      "sdk-item-0",
      "sdk-item-2",
      "sdk-item-4",
    ]);
    const cheap = await stoa.queryRecords({
      family: "listings",
      author,
      filters: { price: { gte: "1001", lte: "1003" } },
      sort: "price-desc",
    });
    expect(cheap.items.map((r) => (r.body as ListingV1).price)).to.deep.equal(["1003", "1002", "1001"]);
    const found = await stoa.queryRecords({ family: "listings", text: "tandem", author });
    expect(found.items).to.have.length(5);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stoa.queryRecords({ family: "listings", author, limit: 2, cursor, sort: "price-asc" });
      expect(page.items.length).to.be.at.most(2);
      seen.push(...page.items.map((r) => (r.body as ListingV1).key));
      cursor = page.next;
    } while (cursor);
    expect(seen).to.deep.equal([0, 1, 2, 3, 4].map((i) => `sdk-item-${i}`));
  });

  it("receives a new record live through subscribeRecords", async function () {
    const received: ApiStoredRecord[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const stop = stoa.subscribeRecords({
      family: "listings",
      onOpen: opened,
      onRecords: (records) => {
        received.push(...records);
        if (received.some((r) => (r.body as ListingV1).key === "sdk-live")) arrived();
      },
    });
    try {
      await open;
      const put = await stoa.publishRecord({ type: "listing", body: listing(9, { key: "sdk-live" }) });
      await arrival;
      expect(received.map((r) => r.id)).to.include(put.id);
    } finally {
      stop();
    }
  });

  it("signs with an app key the wallet delegated to, without further prompts", async function () {
    const appKey = await stoa.createAppKey({ scope: ["listing"], expiresAt: Date.now() + 3_600_000 });
    const signed = await stoa.signRecord({ type: "listing", body: listing(20), appKey });
    const verified = verifyEnvelope(NETWORK, "listings", signed);
    expect(verified.author).to.equal(stoa.signing!.address.toLowerCase());
    expect(verified.signer).to.equal(appKey.address);
    const put = await stoa.putRecord({ envelope: signed });
    expect(put.records[0]!.signer).to.equal(appKey.address);
  });

  it("4xx answers are StoaApiError with the node's code, status and field", async function () {
    const bad = await stoa.signRecord({ type: "listing", body: listing(30, { price: "-5" }) });
    const invalid = (await stoa.putRecord({ envelope: bad }).catch((e: unknown) => e)) as StoaApiError;
    expect(invalid).to.be.instanceOf(StoaApiError);
    expect(invalid.name).to.equal("StoaApiError");
    expect([invalid.status, invalid.code, invalid.field]).to.deep.equal([400, "invalid-record", "body.price"]);

    const query = (await stoa
      .queryRecords({ family: "listings", filters: { colour: "red" } })
      .catch((e: unknown) => e)) as StoaApiError;
    expect([query.status, query.code, query.field]).to.deep.equal([400, "invalid-query", "filters.colour"]);

    const missing = (await stoa
      .getRecord({ family: "profiles", id: `0x${"ab".repeat(32)}` })
      .catch((e: unknown) => e)) as StoaApiError;
    expect([missing.status, missing.code, missing.field]).to.deep.equal([404, "not-found", "id"]);
  });
});
