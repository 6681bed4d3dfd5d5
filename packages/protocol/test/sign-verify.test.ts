import { expect } from "chai";
import { TypedDataEncoder, Wallet } from "ethers";
import {
  batchTypedData,
  buildRecord,
  delegate,
  recordDigest,
  recordTypedData,
  signBatch,
  signRecord,
  verifyEnvelope,
  withSignature,
  type Hex,
} from "../src/index.ts";
import { account, listing, NETWORK, thrown } from "./helpers.ts";

describe("records: sign and verify", function () {
  it("verifies a record signed with the author's key; its id is the EIP-712 digest", function () {
    const alice = account();
    const record = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "Alice" }), alice.key);
    const verified = verifyEnvelope(NETWORK, "profiles", record);
    expect(verified.id).to.equal(recordDigest(NETWORK, record));
    expect(verified.author).to.equal(alice.address);
    expect(verified.records).to.have.length(1);
    expect(verified.records[0]).to.include({ type: "profile", key: "profile", signer: alice.address });
  });

  it("verifies what a real wallet signs with eth_signTypedData_v4 (ethers as the wallet)", async function () {
    const wallet = Wallet.createRandom();
    const author = wallet.address.toLowerCase() as Hex;
    const unsigned = buildRecord("listing", author, listing({ title: "Bicycle, red ✓" }));
    const typed = recordTypedData(NETWORK, unsigned);
    const { EIP712Domain: _, ...types } = typed.types;
    expect(TypedDataEncoder.hash(typed.domain, types, typed.message)).to.equal(recordDigest(NETWORK, unsigned));
    const sig = (await wallet.signTypedData(typed.domain, types, typed.message)) as Hex;
    const verified = verifyEnvelope(NETWORK, "listings", withSignature(unsigned, sig));
    expect(verified.author).to.equal(author);
  });

  it("verifies an author batch signed by a wallet; item ids equal single-record ids", async function () {
    const wallet = Wallet.createRandom();
    const author = wallet.address.toLowerCase() as Hex;
    const createdAt = Date.now();
    const items = [0, 1, 2].map((i) => ({
      type: "listing" as const,
      v: 1,
      createdAt: createdAt + i,
      body: listing({ key: `item-${i}` }),
    }));
    const typed = batchTypedData(NETWORK, "listings", { author, createdAt, items });
    const { EIP712Domain: _, ...types } = typed.types;
    const sig = (await wallet.signTypedData(typed.domain, types, typed.message)) as Hex;
    const verified = verifyEnvelope(NETWORK, "listings", { type: "batch", author, createdAt, items, sig });
    expect(verified.records.map((r) => r.id)).to.deep.equal(
      items.map((item) => recordDigest(NETWORK, { ...item, author })),
    );
    expect(verified.records.map((r) => r.index)).to.deep.equal([0, 1, 2]);
    expect(new Set(verified.records.map((r) => r.envelopeId))).to.deep.equal(new Set([verified.id]));
  });

  it("refuses a record replayed into another database or another network", function () {
    const alice = account();
    const record = signRecord(NETWORK, buildRecord("listing", alice.address, listing()), alice.key);
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", record)).name).to.equal("InvalidRecordError");
    expect(thrown(() => verifyEnvelope("stoa-other", "listings", record)).name).to.equal("SignatureError");
  });

  it("refuses a record signed by someone else than its author", function () {
    const [alice, mallory] = [account(), account()];
    const forged = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "Alice" }), mallory.key);
    const error = thrown(() => verifyEnvelope(NETWORK, "profiles", forged));
    expect(error.name).to.equal("SignatureError");
    expect(error.field).to.equal("sig");
  });

  it("refuses any change to a signed record (body, createdAt, author)", function () {
    const alice = account();
    const record = signRecord(NETWORK, buildRecord("listing", alice.address, listing()), alice.key);
    const changes = [
      { ...record, body: { ...record.body, price: "1" } },
      { ...record, createdAt: record.createdAt + 1 },
      { ...record, author: account().address },
    ];
    for (const changed of changes)
      expect(thrown(() => verifyEnvelope(NETWORK, "listings", changed)).name).to.equal("SignatureError");
  });

  it("accepts only canonical signatures (v 27/28, low s)", function () {
    const alice = account();
    const record = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "A" }), alice.key);
    const v = Number.parseInt(record.sig.slice(-2), 16);
    const zeroOne = `${record.sig.slice(0, -2)}${(v - 27).toString(16).padStart(2, "0")}` as Hex;
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, sig: zeroOne })).name).to.equal(
      "SignatureError",
    );
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${record.sig.slice(66, 130)}`);
    const highS = `${record.sig.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${(55 - v).toString(16)}` as Hex;
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", { ...record, sig: highS })).name).to.equal(
      "SignatureError",
    );
  });
});

describe("records: delegated app keys", function () {
  it("accepts a record signed by an app key inside its delegation's scope and window", function () {
    const [alice, app] = [account(), account()];
    const now = Date.now();
    const delegation = delegate(NETWORK, alice.key, app.address, ["listing", "review"], now + 3_600_000, now);
    const record = signRecord(NETWORK, buildRecord("listing", alice.address, listing(), now + 1), app.key, delegation);
    const verified = verifyEnvelope(NETWORK, "listings", record);
    expect(verified.signer).to.equal(app.address);
    expect(verified.delegation?.delegate).to.equal(app.address);
  });

  it("refuses out-of-scope types, expired or not-yet-valid delegations, and foreign delegations", function () {
    const [alice, bob, app] = [account(), account(), account()];
    const now = Date.now();
    const delegation = delegate(NETWORK, alice.key, app.address, ["review"], now + 1_000, now);
    const sign = (createdAt: number, d = delegation) =>
      signRecord(NETWORK, buildRecord("profile", alice.address, { name: "A" }, createdAt), app.key, d);
    const scoped = delegate(NETWORK, alice.key, app.address, ["profile"], now + 1_000, now);
    const cases: [unknown, string][] = [
      [sign(now + 1), "scope"],
      [sign(now + 2_000, scoped), "expired"],
      [sign(now - 1, scoped), "not-yet-valid"],
      [sign(now + 1, delegate(NETWORK, bob.key, app.address, ["profile"], now + 1_000, now)), "author"],
    ];
    for (const [record, rule] of cases) {
      const error = thrown(() => verifyEnvelope(NETWORK, "profiles", record));
      expect(error.name).to.equal("DelegationError");
      expect(error.rule).to.equal(rule);
    }
  });

  it("refuses a delegation not signed by its author, and a delegation signed by a delegate", function () {
    const [alice, app, other] = [account(), account(), account()];
    const now = Date.now();
    const good = delegate(NETWORK, alice.key, app.address, ["profile", "delegation"], now + 10_000, now);
    const forged = { ...good, sig: delegate(NETWORK, other.key, app.address, ["profile"], now + 10_000, now).sig };
    const record = signRecord(NETWORK, buildRecord("profile", alice.address, { name: "A" }, now + 1), app.key, forged);
    expect(thrown(() => verifyEnvelope(NETWORK, "profiles", record)).name).to.equal("SignatureError");
    const nested = signRecord(
      NETWORK,
      buildRecord(
        "delegation",
        alice.address,
        { delegate: other.address, scope: ["profile"], expiresAt: now + 5 },
        now + 1,
      ),
      app.key,
      good,
    );
    expect(thrown(() => verifyEnvelope(NETWORK, "delegations", nested)).name).to.equal("DelegationError");
  });

  it("signs a batch with an app key under one delegation", function () {
    const [alice, app] = [account(), account()];
    const now = Date.now();
    const delegation = delegate(NETWORK, alice.key, app.address, ["listing"], now + 60_000, now);
    const items = Array.from({ length: 50 }, (_, i) => ({
      type: "listing" as const,
      v: 1,
      createdAt: now + i,
      body: listing({ key: `k${i}` }),
    }));
    const batch = signBatch(NETWORK, "listings", alice.address, items, app.key, { delegation, createdAt: now });
    expect(verifyEnvelope(NETWORK, "listings", batch).records).to.have.length(50);
  });
});
