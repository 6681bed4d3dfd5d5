import { expect } from "chai";
import { privateKeyToAccount } from "viem/accounts";
import {
  InvalidRecordError,
  NoteDecryptError,
  noteKeyFromSignature,
  noteKeyMessage,
  openOrderNote,
  orderNoteV1,
  sealOrderNote,
  type OrderNotePlaintextV1,
} from "../src/index.ts";

const alice = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const bob = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const eve = privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");

const keyOf = async (account: typeof alice, network = "stoa-dev") =>
  noteKeyFromSignature(await account.signMessage({ message: noteKeyMessage(network) }));

describe("order notes: sealed to one reader", function () {
  const context = {
    chainId: 31337,
    orderId: "7",
    author: alice.address.toLowerCase(),
    recipient: bob.address.toLowerCase(),
  };

  it("derives the same key from the same wallet, another from another wallet or network", async function () {
    const [a1, a2, b, aOther] = await Promise.all([keyOf(alice), keyOf(alice), keyOf(bob), keyOf(alice, "stoa-test")]);
    expect(a1.publicKey)
      .to.equal(a2.publicKey)
      .and.to.match(/^0x[0-9a-f]{64}$/);
    expect(b.publicKey).to.not.equal(a1.publicKey);
    expect(aOther.publicKey).to.not.equal(a1.publicKey);
    expect(() => noteKeyFromSignature("0x1234")).to.throw(RangeError);
    expect(() => noteKeyMessage("Not A Network")).to.throw(RangeError);
  });

  it("round trip of each kind; the body passes the record schema; only the recipient opens it", async function () {
    const [bobKey, eveKey] = await Promise.all([keyOf(bob), keyOf(eve)]);
    const plaintexts: OrderNotePlaintextV1[] = [
      { v: 1, kind: "shipping", text: "1 Agora Street, Alexandria" },
      { v: 1, kind: "shipped", text: "Tracking AG-1962" },
      { v: 1, kind: "message", text: "Thanks!" },
      {
        v: 1,
        kind: "forwarded",
        text: "Where is it?",
        forwarded: {
          author: context.author,
          recipient: context.recipient,
          createdAt: 1_700_000_000_000,
          kind: "message",
        },
      },
    ];
    for (const plaintext of plaintexts) {
      const body = sealOrderNote({ ...context, recipientKey: bobKey.publicKey, plaintext });
      expect(orderNoteV1.safeParse(body).success).to.equal(true);
      expect(openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal(plaintext);
      expect(() => openOrderNote({ body, author: context.author, secretKey: eveKey.secretKey })).to.throw(
        NoteDecryptError,
      );
    }
  });

  it("does not open when moved to another order, chain, author or recipient, or altered", async function () {
    const bobKey = await keyOf(bob);
    const body = sealOrderNote({
      ...context,
      recipientKey: bobKey.publicKey,
      plaintext: { v: 1, kind: "message", text: "hello" },
    });
    const open =
      (b: typeof body, author = context.author) =>
      () =>
        openOrderNote({ body: b, author, secretKey: bobKey.secretKey });
    const bytes = Uint8Array.from(atob(body.ciphertext), (c) => c.charCodeAt(0));
    bytes[0]! ^= 1;
    const flipped = btoa(String.fromCharCode(...bytes));
    const other = sealOrderNote({
      ...context,
      recipientKey: bobKey.publicKey,
      plaintext: { v: 1, kind: "message", text: "other" },
    });
    for (const [what, attempt] of [
      ["another order", open({ ...body, orderId: "8" })],
      ["another chain", open({ ...body, chainId: 1 })],
      ["another author", open(body, eve.address.toLowerCase())],
      ["another recipient", open({ ...body, recipient: eve.address.toLowerCase() })],
      ["a flipped ciphertext bit", open({ ...body, ciphertext: flipped })],
      ["another note's ephemeral key", open({ ...body, epk: other.epk })],
    ] as const) {
      expect(attempt, what).to.throw(NoteDecryptError);
    }
    expect(open(body)()).to.deep.equal({ v: 1, kind: "message", text: "hello" });
  });

  it("refuses plaintexts outside the schema or over 8 KiB, before encrypting", async function () {
    const { publicKey } = await keyOf(bob);
    const seal = (plaintext: unknown) => () =>
      sealOrderNote({ ...context, recipientKey: publicKey, plaintext: plaintext as OrderNotePlaintextV1 });
    expect(seal({ v: 1, kind: "forwarded", text: "x" })).to.throw(InvalidRecordError);
    expect(seal({ v: 1, kind: "message", text: "x", forwarded: { author: context.author } })).to.throw(
      InvalidRecordError,
    );
    expect(seal({ v: 1, kind: "message", text: "x".repeat(4_001) })).to.throw(InvalidRecordError);
    expect(seal({ v: 1, kind: "message", text: "x", extra: 1 })).to.throw(InvalidRecordError);
    // "€" is 3 bytes in UTF-8: 4,000 of them pass the length rule but not the 8 KiB limit.
    expect(seal({ v: 1, kind: "message", text: "€".repeat(4_000) })).to.throw(InvalidRecordError, /at most 8192 bytes/);
    // The largest note that fits still makes a body within the record schema's ciphertext limit.
    const largest = sealOrderNote({
      ...context,
      recipientKey: publicKey,
      plaintext: { v: 1, kind: "message", text: "€".repeat(2_700) },
    });
    expect(largest.ciphertext.length).to.be.greaterThan(10_000);
    expect(orderNoteV1.safeParse(largest).success).to.equal(true);
  });
});
