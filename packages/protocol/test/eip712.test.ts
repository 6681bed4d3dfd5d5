import { expect } from "chai";
import { id, TypedDataEncoder } from "ethers";
import { toHex } from "../src/bytes.ts";
import { PrehashedString, typeHash, type TypedTypes } from "../src/eip712.ts";
import {
  batchDigest,
  batchTypedData,
  delegate,
  domainOf,
  recordDigest,
  recordTypedData,
  signBatch,
  typedDataDigest,
  verifyEnvelope,
  type BatchItem,
  type Family,
  type RecordType,
  type UnsignedRecord,
} from "../src/index.ts";
import { account, listing } from "./helpers.ts";

/** ethers' digest of typed data as protocol builds it for wallets: the reference. */
function reference(typed: {
  domain: object;
  types: Record<string, readonly { name: string; type: string }[]>;
  message: object;
}): string {
  const { EIP712Domain: _, ...types } = typed.types;
  return TypedDataEncoder.hash(typed.domain, types as Record<string, { name: string; type: string }[]>, typed.message);
}

const NETWORKS = ["stoa-test", "stoa-dev", "stoa-mainnet", "x1"];
const BODIES: Partial<Record<RecordType, unknown>> = {
  profile: { name: "Ada ✓", bio: "line\nbreak" },
  listing: listing({ title: "Lamp" }),
  review: { order: "0x01", rating: 5, text: "fine" },
  "order-note": { order: "0x02", text: "sent" },
  "delegation-revocation": { delegate: "0x0000000000000000000000000000000000000002" },
  delegation: { delegate: "0x0000000000000000000000000000000000000001", scope: ["listing"], expiresAt: 1 },
};

describe("EIP-712 digests with memoized type hashes and domain separators", function () {
  it("record digests equal ethers' for every family on several networks, memoized or not", function () {
    const author = account().address;
    // Twice, interleaved: the first pass fills the memos, the second reads them.
    for (const pass of [1, 2]) {
      for (const network of NETWORKS) {
        for (const [type, body] of Object.entries(BODIES)) {
          const record = { type, v: 1, author, createdAt: 1_700_000_000_000 + pass, body } as UnsignedRecord;
          expect(recordDigest(network, record), `${network} ${type}`).to.equal(
            reference(recordTypedData(network, record)),
          );
          const signer = account().address;
          expect(recordDigest(network, record, signer)).to.equal(reference(recordTypedData(network, record, signer)));
        }
      }
    }
  });

  it("batch digests and their record ids equal ethers', with each body hashed once by the verifier", function () {
    const [alice, app] = [account(), account()];
    const now = Date.now();
    for (const network of NETWORKS) {
      for (const [family, type] of [
        ["listings", "listing"],
        ["profiles", "profile"],
      ] as [Family, RecordType][]) {
        const items: BatchItem[] = Array.from({ length: 5 }, (_, i) => ({
          type,
          v: 1,
          createdAt: now + i,
          body: type === "listing" ? listing({ key: `k${i}` }) : { name: `name ${i}`, bio: "✓" },
        }));
        const delegation = delegate(network, alice.key, app.address, [type], now + 60_000, now);
        for (const [key, signer, options] of [
          [alice.key, alice.address, { createdAt: now }],
          [app.key, app.address, { createdAt: now, delegation }],
        ] as const) {
          const batch = signBatch(network, family, alice.address, items, key, options);
          const unsigned = { author: alice.address, createdAt: now, items };
          const expectedId = reference(batchTypedData(network, family, unsigned, signer));
          expect(batchDigest(network, family, unsigned, signer)).to.equal(expectedId);
          const verified = verifyEnvelope(network, family, batch);
          expect(verified.id).to.equal(expectedId);
          expect(verified.records.map((r) => r.id)).to.deep.equal(
            items.map((item) => reference(recordTypedData(network, { ...item, author: alice.address }, signer))),
          );
        }
      }
    }
  });

  it("memoizes only frozen type sets: a set that changes is hashed as it is now", function () {
    const domain = domainOf("stoa-test", "listings");
    const types = {
      Mail: [
        { name: "from", type: "Person" },
        { name: "to", type: "Person[]" },
        { name: "contents", type: "string" },
      ],
      Person: [
        { name: "name", type: "string" },
        { name: "wallet", type: "address" },
      ],
    };
    const person = (name: string) => ({ name, wallet: account().address });
    const message = { from: person("Cow"), to: [person("Bob"), person("Eve")], contents: "Hello, Bob!" };
    const ethers = () => TypedDataEncoder.hash(domain, types, message);
    expect(typedDataDigest(domain, "Mail", types, message)).to.equal(ethers());
    types.Person[0]!.name = "nick";
    const renamed = { ...message, from: { nick: "Cow", wallet: message.from.wallet } };
    renamed.to = message.to.map((p) => ({ nick: p.name, wallet: p.wallet })) as never;
    expect(typedDataDigest(domain, "Mail", types, renamed)).to.equal(TypedDataEncoder.hash(domain, types, renamed));
    // Other domains, the same frozen type set: each domain has its own separator.
    for (const network of NETWORKS) {
      for (const family of ["listings", "profiles"] as Family[]) {
        const other = domainOf(network, family);
        expect(typedDataDigest(other, "Mail", types, renamed)).to.equal(TypedDataEncoder.hash(other, types, renamed));
      }
    }
    // A hand-made domain (not from domainOf) with the same salt gives the same separator.
    const copy = { name: domain.name, version: domain.version, salt: domain.salt };
    expect(typedDataDigest(copy, "Mail", types, renamed)).to.equal(typedDataDigest(domain, "Mail", types, renamed));
    expect(typedDataDigest({ ...copy, version: "2" }, "Mail", types, renamed)).to.equal(
      TypedDataEncoder.hash({ ...copy, version: "2" }, types, renamed),
    );
  });

  it("hands out copies of memoized type hashes", function () {
    const frozen: TypedTypes = Object.freeze({ T: Object.freeze([Object.freeze({ name: "a", type: "string" })]) });
    const expected = id("T(string a)");
    expect(toHex(typeHash("T", frozen))).to.equal(expected);
    typeHash("T", frozen).fill(0);
    expect(toHex(typeHash("T", frozen))).to.equal(expected);
    const domain = domainOf("stoa-test", "profiles");
    expect(typedDataDigest(domain, "T", frozen, { a: "x" })).to.equal(
      TypedDataEncoder.hash(domain, { T: [{ name: "a", type: "string" }] }, { a: "x" }),
    );
  });

  it("takes a hash as given only from a PrehashedString, never from data shaped like one", function () {
    const domain = domainOf("stoa-test", "profiles");
    const types: TypedTypes = { S: [{ name: "s", type: "string" }] };
    const plain = typedDataDigest(domain, "S", types, { s: "body" });
    expect(typedDataDigest(domain, "S", types, { s: new PrehashedString("body") })).to.equal(plain);
    const forged = Object.create(PrehashedString.prototype) as object;
    expect(typedDataDigest(domain, "S", types, { s: forged })).to.equal(
      TypedDataEncoder.hash(domain, { S: [{ name: "s", type: "string" }] }, { s: "[object Object]" }),
    );
  });
});
