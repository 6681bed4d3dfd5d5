import { expect } from "chai";
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from "node:crypto";
import { privateKeyToAccount } from "viem/accounts";
import {
  canonicalJson,
  InvalidRecordError,
  MAX_NOTE_PLAINTEXT_BYTES,
  NoteDecryptError,
  noteKeyFromSignature,
  noteKeyMessage,
  openOrderNote,
  orderNoteV1,
  sealOrderNote,
  SignatureError,
  type Hex,
  type OrderNotePlaintextV1,
  type OrderNoteV1,
  type SealOrderNoteParameters,
} from "../src/index.ts";
import { thrown } from "./helpers.ts";

const alice = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const bob = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const eve = privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");

const signatureOf = (account: typeof alice, network = "stoa-dev") =>
  account.signMessage({ message: noteKeyMessage(network) });
const keyOf = async (account: typeof alice, network = "stoa-dev") =>
  noteKeyFromSignature(await signatureOf(account, network));

const context = {
  chainId: 31337,
  orderId: "7",
  author: alice.address.toLowerCase(),
  recipient: bob.address.toLowerCase(),
};
const SEALED = "this note cannot be opened with this key (it is not addressed to it, or it was altered)";

/** A `random` that counts its calls and hands out a fixed byte pattern. */
function countingRandom() {
  const source = { calls: 0, random: (length: number) => (source.calls++, new Uint8Array(length).fill(source.calls)) };
  return source;
}

// An independent implementation of the wire format (node:crypto's x25519, HKDF and
// ChaCha20-Poly1305, plus HChaCha20 by hand), to hold @stoa/protocol to the specification rather
// than to itself.
const hex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;
const bytesOf = (value: string) => new Uint8Array(Buffer.from(value.replace(/^0x/, ""), "hex"));
const x25519Private = (secret: Uint8Array) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), secret]),
    format: "der",
    type: "pkcs8",
  });
const x25519Public = (key: Uint8Array) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), key]),
    format: "der",
    type: "spki",
  });
const publicKeyOf = (secret: Uint8Array) =>
  new Uint8Array(createPublicKey(x25519Private(secret)).export({ format: "der", type: "spki" }).subarray(12));
const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string) =>
  new Uint8Array(hkdfSync("sha256", ikm, salt, info, 32));

/** HChaCha20 (draft-irtf-cfrg-xchacha-03, 2.2): a 32-byte subkey from a key and 16 nonce bytes. */
function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const word = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset).getUint32(i * 4, true);
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];
  for (let i = 0; i < 8; i++) s.push(word(key, i));
  for (let i = 0; i < 4; i++) s.push(word(nonce16, i));
  const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;
  const quarter = (a: number, b: number, c: number, d: number) => {
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a], 16);
    s[c] = (s[c]! + s[d]) >>> 0;
    s[b] = rotl(s[b]! ^ s[c], 12);
    s[a] = (s[a] + s[b]) >>> 0;
    s[d] = rotl(s[d] ^ s[a], 8);
    s[c] = (s[c] + s[d]) >>> 0;
    s[b] = rotl(s[b] ^ s[c], 7);
  };
  // One double round: four column rounds, then four diagonal rounds; HChaCha20 runs ten.
  const doubleRound = [
    [0, 4, 8, 12],
    [1, 5, 9, 13],
    [2, 6, 10, 14],
    [3, 7, 11, 15],
    [0, 5, 10, 15],
    [1, 6, 11, 12],
    [2, 7, 8, 13],
    [3, 4, 9, 14],
  ] as const;
  for (let round = 0; round < 10; round++) for (const [a, b, c, d] of doubleRound) quarter(a, b, c, d);
  const out = new DataView(new ArrayBuffer(32));
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((from, i) => out.setUint32(i * 4, s[from]!, true));
  return new Uint8Array(out.buffer);
}

/** The AEAD key and ChaCha20-Poly1305 nonce that XChaCha20-Poly1305 uses under `key` and `nonce`. */
function xchacha(key: Uint8Array, nonce: Uint8Array) {
  return { key: hchacha20(key, nonce.subarray(0, 16)), iv: Buffer.concat([Buffer.alloc(4), nonce.subarray(16)]) };
}

const aadOf = (body: OrderNoteV1, author: string) =>
  Buffer.from(
    canonicalJson({ chainId: body.chainId, orderId: body.orderId, author, recipient: body.recipient, epk: body.epk }),
  );

/** Opens `body` with node:crypto only; returns the plaintext's bytes. */
function referenceOpen(body: OrderNoteV1, author: string, secretKey: Uint8Array): Uint8Array {
  const epk = bytesOf(body.epk);
  const shared = diffieHellman({ privateKey: x25519Private(secretKey), publicKey: x25519Public(epk) });
  const sealKey = hkdf(shared, Buffer.concat([epk, publicKeyOf(secretKey)]), "stoa/order-notes/v1");
  const { key, iv } = xchacha(sealKey, bytesOf(body.nonce));
  const sealed = Buffer.from(body.ciphertext, "base64");
  const decipher = createDecipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
  decipher.setAAD(aadOf(body, author), { plaintextLength: sealed.length - 16 });
  decipher.setAuthTag(sealed.subarray(-16));
  return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]));
}

/** Seals arbitrary bytes with node:crypto only (so a test can seal what sealOrderNote refuses). */
function referenceSeal(message: Uint8Array, recipientKey: Hex, ephemeral: Uint8Array, nonce: Uint8Array) {
  const theirKey = bytesOf(recipientKey);
  const epk = publicKeyOf(ephemeral);
  const shared = diffieHellman({ privateKey: x25519Private(ephemeral), publicKey: x25519Public(theirKey) });
  const sealKey = hkdf(shared, Buffer.concat([epk, theirKey]), "stoa/order-notes/v1");
  const { key, iv } = xchacha(sealKey, nonce);
  const { chainId, orderId, recipient } = context;
  const body: OrderNoteV1 = { chainId, orderId, recipient, epk: hex(epk), nonce: hex(nonce), ciphertext: "" };
  const cipher = createCipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
  cipher.setAAD(aadOf(body, context.author), { plaintextLength: message.length });
  const sealed = Buffer.concat([cipher.update(message), cipher.final(), cipher.getAuthTag()]);
  return { ...body, ciphertext: sealed.toString("base64") };
}

describe("order notes", function () {
  describe("noteKeyMessage", function () {
    it("is the fixed text that names the network", function () {
      expect(noteKeyMessage("stoa-dev")).to.equal(
        "Stoa order notes key\n\nNetwork: stoa-dev\n\n" +
          "Signing creates the key that encrypts and opens your order notes. It sends no transaction and costs nothing.",
      );
    });

    it("refuses a network id that families.ts would refuse", function () {
      for (const network of ["Not A Network", "", "stoa--dev", "-stoa", "a".repeat(65)]) {
        const error = thrown(() => noteKeyMessage(network));
        expect(error, network).to.be.instanceOf(RangeError);
        expect(error.message, network).to.match(/^network id must be 1-64 lower-case letters/);
      }
      expect(noteKeyMessage("a".repeat(64))).to.contain(`Network: ${"a".repeat(64)}\n`);
    });
  });

  describe("noteKeyFromSignature", function () {
    it("gives the same key pair from the same wallet, another from another wallet or network", async function () {
      const [a1, a2, b, aOther] = await Promise.all([
        keyOf(alice),
        keyOf(alice),
        keyOf(bob),
        keyOf(alice, "stoa-test"),
      ]);
      expect(a1.publicKey).to.match(/^0x[0-9a-f]{64}$/);
      expect(a1.secretKey).to.be.instanceOf(Uint8Array).with.lengthOf(32);
      expect(a2).to.deep.equal(a1);
      expect(b.publicKey).to.not.equal(a1.publicKey);
      expect(aOther.publicKey).to.not.equal(a1.publicKey);
      expect(new Set([a1, b, aOther].map((k) => hex(k.secretKey))).size).to.equal(3);
    });

    it("is HKDF-SHA256(signature, no salt, 'stoa/order-notes/key/v1') as an x25519 secret key", async function () {
      const signature = await signatureOf(alice);
      const secretKey = hkdf(bytesOf(signature), new Uint8Array(0), "stoa/order-notes/key/v1");
      expect(noteKeyFromSignature(signature)).to.deep.equal({ secretKey, publicKey: hex(publicKeyOf(secretKey)) });
    });

    it("derives the same key whether the wallet encodes v as 27/28 or 0/1, and from upper-case hex", async function () {
      const signature = await signatureOf(alice);
      const v = parseInt(signature.slice(-2), 16);
      expect([27, 28]).to.include(v);
      const raw = `${signature.slice(0, -2)}0${v - 27}` as Hex;
      expect(noteKeyFromSignature(raw)).to.deep.equal(noteKeyFromSignature(signature));
      expect(noteKeyFromSignature(`0x${signature.slice(2).toUpperCase()}`)).to.deep.equal(
        noteKeyFromSignature(signature),
      );
    });

    it("refuses what is not a 65-byte signature", async function () {
      const signature = await signatureOf(alice);
      for (const bad of [
        "0x1234",
        signature.slice(0, -2),
        `${signature}00`,
        `${signature.slice(0, -2)}zz`,
        "ab".repeat(65),
      ]) {
        const error = thrown(() => noteKeyFromSignature(bad as Hex));
        expect(error, bad).to.be.instanceOf(SignatureError);
        expect(error.message).to.equal("a note key comes from a 65-byte signature (0x and 130 hex digits)");
        expect(error.field).to.equal("signature");
      }
      const error = thrown(() => noteKeyFromSignature(`${signature.slice(0, -2)}1d` as Hex));
      expect(error).to.be.instanceOf(SignatureError);
      expect(error.message).to.equal("signature v must be 0, 1, 27 or 28");
    });
  });

  describe("sealOrderNote and openOrderNote", function () {
    it("round-trips each kind; the body passes orderNoteV1; only the recipient opens it", async function () {
      const [bobKey, eveKey] = await Promise.all([keyOf(bob), keyOf(eve)]);
      const plaintexts: OrderNotePlaintextV1[] = [
        { v: 1, kind: "message", text: "Thanks!" },
        { v: 1, kind: "shipping", text: "1 Agora Street, Alexandria" },
        { v: 1, kind: "shipped", text: "Tracking AG-1962" },
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
        expect(orderNoteV1.parse(body)).to.deep.equal(body);
        expect(body).to.include({ chainId: 31337, orderId: "7", recipient: context.recipient });
        expect(openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal(plaintext);
        const error = thrown(() => openOrderNote({ body, author: context.author, secretKey: eveKey.secretKey }));
        expect(error).to.be.instanceOf(NoteDecryptError);
        expect(error).to.include({ name: "NoteDecryptError", rule: "sealed", field: "ciphertext", message: SEALED });
      }
    });

    it("follows the specified format: node:crypto opens what it seals, and it opens what node:crypto seals", async function () {
      // HChaCha20's test vector (draft-irtf-cfrg-xchacha-03, 2.2.1) first, to trust the reference.
      const key = Uint8Array.from({ length: 32 }, (_, i) => i);
      const subkey = hchacha20(key, bytesOf("000000090000004a0000000031415927"));
      expect(hex(subkey)).to.equal("0x82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");

      const bobKey = await keyOf(bob);
      const plaintext: OrderNotePlaintextV1 = { v: 1, kind: "shipping", text: "Ωmega Street 7, Ἀλεξάνδρεια" };
      const body = sealOrderNote({ ...context, recipientKey: bobKey.publicKey, plaintext });
      const opened = referenceOpen(body, context.author, bobKey.secretKey);
      expect(new TextDecoder().decode(opened)).to.equal(canonicalJson(plaintext));

      const theirs = referenceSeal(opened, bobKey.publicKey, new Uint8Array(32).fill(9), new Uint8Array(24).fill(4));
      expect(orderNoteV1.safeParse(theirs).success).to.equal(true);
      expect(openOrderNote({ body: theirs, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal(
        plaintext,
      );
    });

    it("uses a fresh ephemeral key and nonce per note, from the injected randomness when given", async function () {
      const { publicKey } = await keyOf(bob);
      const plaintext: OrderNotePlaintextV1 = { v: 1, kind: "message", text: "hello" };
      const [first, second] = [1, 2].map(() => sealOrderNote({ ...context, recipientKey: publicKey, plaintext }));
      expect(first!.epk).to.not.equal(second!.epk);
      expect(first!.nonce).to.not.equal(second!.nonce);
      const seeded = () =>
        sealOrderNote({ ...context, recipientKey: publicKey, plaintext, random: countingRandom().random });
      expect(seeded()).to.deep.equal(seeded());
      expect(seeded().nonce).to.equal(`0x${"02".repeat(24)}`);
    });

    it("takes addresses in any case and keeps them in lower case", async function () {
      const bobKey = await keyOf(bob);
      const plaintext: OrderNotePlaintextV1 = { v: 1, kind: "message", text: "hello" };
      const body = sealOrderNote({
        ...context,
        author: alice.address,
        recipient: bob.address,
        recipientKey: bobKey.publicKey,
        plaintext,
      });
      expect(body.recipient).to.equal(context.recipient);
      expect(openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal(plaintext);
      expect(openOrderNote({ body, author: alice.address, secretKey: bobKey.secretKey })).to.deep.equal(plaintext);
    });

    it("does not open when moved to another order, chain, author or recipient, or altered", async function () {
      const bobKey = await keyOf(bob);
      const body = sealOrderNote({
        ...context,
        recipientKey: bobKey.publicKey,
        plaintext: { v: 1, kind: "message", text: "hello" },
      });
      const other = sealOrderNote({
        ...context,
        recipientKey: bobKey.publicKey,
        plaintext: { v: 1, kind: "message", text: "other" },
      });
      const flip = (base64: string, index: number) => {
        const bytes = Buffer.from(base64, "base64");
        bytes[(index + bytes.length) % bytes.length]! ^= 1;
        return bytes.toString("base64");
      };
      const flipHex = (value: string) => `${value.slice(0, -1)}${value.endsWith("0") ? "1" : "0"}`;
      const cases: [string, OrderNoteV1, string?][] = [
        ["another order", { ...body, orderId: "8" }],
        ["another chain", { ...body, chainId: 1 }],
        ["another author", body, eve.address.toLowerCase()],
        ["another recipient", { ...body, recipient: eve.address.toLowerCase() }],
        ["a flipped ciphertext byte", { ...body, ciphertext: flip(body.ciphertext, 0) }],
        ["a flipped tag byte", { ...body, ciphertext: flip(body.ciphertext, -1) }],
        [
          "a truncated ciphertext",
          { ...body, ciphertext: Buffer.from(body.ciphertext, "base64").subarray(1).toString("base64") },
        ],
        ["another note's ciphertext", { ...body, ciphertext: other.ciphertext }],
        ["another note's ephemeral key", { ...body, epk: other.epk }],
        ["a changed nonce", { ...body, nonce: flipHex(body.nonce) }],
        ["a malformed epk", { ...body, epk: "0x12" }],
        ["a ciphertext that is not base64", { ...body, ciphertext: "%%%" }],
      ];
      for (const [what, moved, author = context.author] of cases) {
        const error = thrown(() => openOrderNote({ body: moved, author, secretKey: bobKey.secretKey }));
        expect(error, what).to.be.instanceOf(NoteDecryptError);
        expect(error, what).to.include({ rule: "sealed", message: SEALED });
      }
      expect(openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal({
        v: 1,
        kind: "message",
        text: "hello",
      });
    });

    it("refuses a secret key that is not 32 bytes, without trying it", async function () {
      const bobKey = await keyOf(bob);
      const body = sealOrderNote({
        ...context,
        recipientKey: bobKey.publicKey,
        plaintext: { v: 1, kind: "message", text: "x" },
      });
      const error = thrown(() =>
        openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey.subarray(1) }),
      );
      expect(error).to.be.instanceOf(RangeError);
      expect(error.message).to.equal("secretKey must be 32 bytes (an x25519 secret key)");
    });

    it("says so when a note opens but does not hold an order note", async function () {
      const bobKey = await keyOf(bob);
      const open = (message: string) => () =>
        openOrderNote({
          body: referenceSeal(Buffer.from(message), bobKey.publicKey, new Uint8Array(32).fill(3), new Uint8Array(24)),
          author: context.author,
          secretKey: bobKey.secretKey,
        });
      const cases: [string, string][] = [
        [
          '{"kind":"message","text":"hi","v":2}',
          "the note opened, but it is not a version 1 order note (plaintext.v: invalid_value)",
        ],
        [
          '{"kind":"forwarded","text":"hi","v":1}',
          "the note opened, but it is not a version 1 order note (plaintext.forwarded: invalid_type)",
        ],
        [
          '{"kind":"message","text":"hi","v":1,"x":1}',
          "the note opened, but it is not a version 1 order note (plaintext: unrecognized_keys)",
        ],
        ["not json", "the note opened, but it does not hold JSON text"],
      ];
      for (const [message, expected] of cases) {
        const error = thrown(open(message));
        expect(error, message).to.be.instanceOf(NoteDecryptError);
        expect(error, message).to.include({ rule: "plaintext", message: expected });
      }
      expect(open('{"kind":"message","text":"hi","v":1}')()).to.deep.equal({ v: 1, kind: "message", text: "hi" });
    });
  });

  describe("sealOrderNote refusals, before anything is encrypted", function () {
    let recipientKey: Hex;
    before(async function () {
      recipientKey = (await keyOf(bob)).publicKey;
    });

    /** The error sealOrderNote throws, after checking that it asked for no random bytes. */
    function refusal(parameters: Omit<Partial<SealOrderNoteParameters>, "plaintext"> & { plaintext?: unknown }) {
      const source = countingRandom();
      const error = thrown(() =>
        sealOrderNote({
          ...context,
          recipientKey,
          plaintext: { v: 1, kind: "message", text: "hi" },
          ...parameters,
          random: source.random,
        } as SealOrderNoteParameters),
      );
      expect(source.calls, "random bytes drawn").to.equal(0);
      return error;
    }

    it("refuses plaintexts outside the schema, naming the field and the rule", function () {
      const forwarded = {
        author: context.author,
        recipient: context.recipient,
        createdAt: 1_700_000_000_000,
        kind: "message",
      };
      const cases: [unknown, string, string][] = [
        [{ v: 1, kind: "forwarded", text: "x" }, "plaintext.forwarded", "invalid_type"],
        [{ v: 1, kind: "message", text: "x", forwarded }, "plaintext", "unrecognized_keys"],
        [{ v: 1, kind: "message", text: "x".repeat(4_001) }, "plaintext.text", "too_big"],
        [{ v: 1, kind: "message", text: "" }, "plaintext.text", "too_small"],
        [{ v: 1, kind: "message", text: "x", extra: 1 }, "plaintext", "unrecognized_keys"],
        [{ v: 2, kind: "message", text: "x" }, "plaintext.v", "invalid_value"],
        [{ v: 1, kind: "secret", text: "x" }, "plaintext.kind", "invalid_union"],
        [
          { v: 1, kind: "forwarded", text: "x", forwarded: { ...forwarded, kind: "forwarded" } },
          "plaintext.forwarded.kind",
          "invalid_value",
        ],
        [
          { v: 1, kind: "forwarded", text: "x", forwarded: { ...forwarded, createdAt: 1.5 } },
          "plaintext.forwarded.createdAt",
          "invalid_type",
        ],
        [
          { v: 1, kind: "forwarded", text: "x", forwarded: { ...forwarded, author: "0xABC" } },
          "plaintext.forwarded.author",
          "invalid_format",
        ],
      ];
      for (const [plaintext, field, rule] of cases) {
        const error = refusal({ plaintext });
        expect(error, field).to.be.instanceOf(InvalidRecordError);
        expect(error, JSON.stringify(plaintext)).to.include({ field, rule });
        expect(error.message).to.match(new RegExp(`^note ${field.replace(/\./g, "\\.")}: `));
      }
    });

    it("refuses a context that would not make a valid order-note body", function () {
      const cases: [Partial<typeof context>, string, string][] = [
        [{ orderId: "07" }, "orderId", "invalid_format"],
        [{ orderId: "-1" }, "orderId", "invalid_format"],
        [{ chainId: 0 }, "chainId", "too_small"],
        [{ recipient: "bob" }, "recipient", "invalid_format"],
        [{ author: "0x1234" }, "author", "invalid_format"],
      ];
      for (const [change, field, rule] of cases) {
        const error = refusal(change);
        expect(error, field).to.be.instanceOf(InvalidRecordError);
        expect(error, field).to.include({ field, rule });
      }
    });

    it("refuses a recipient key that is not an x25519 public key", function () {
      expect(refusal({ recipientKey: "0x1234" }))
        .to.be.instanceOf(RangeError)
        .with.property("message", "recipientKey must be an x25519 public key (0x and 64 hex digits)");
      // The all-zero point has low order: every secret would agree on a zero shared secret.
      const error = thrown(() =>
        sealOrderNote({
          ...context,
          recipientKey: `0x${"00".repeat(32)}`,
          plaintext: { v: 1, kind: "message", text: "x" },
        }),
      );
      expect(error).to.be.instanceOf(RangeError);
      expect(error.message).to.equal("recipientKey is not a usable x25519 public key (low order)");
    });

    it("seals the largest plaintext into a valid body, and refuses one byte more", async function () {
      const bobKey = await keyOf(bob);
      // "€" is 3 bytes of UTF-8 and one character: the byte limit binds before the 4,000 characters.
      const note = (text: string): OrderNotePlaintextV1 => ({ v: 1, kind: "message", text });
      const overhead = new TextEncoder().encode(canonicalJson(note(""))).length;
      const room = MAX_NOTE_PLAINTEXT_BYTES - overhead;
      const largest = note("€".repeat(Math.floor(room / 3)) + "x".repeat(room % 3));
      expect(new TextEncoder().encode(canonicalJson(largest)).length).to.equal(8_192);
      expect(largest.text.length).to.be.at.most(4_000);

      const body = sealOrderNote({ ...context, recipientKey: bobKey.publicKey, plaintext: largest });
      expect(body.ciphertext.length).to.equal(10_944);
      expect(orderNoteV1.safeParse(body).success).to.equal(true);
      expect(openOrderNote({ body, author: context.author, secretKey: bobKey.secretKey })).to.deep.equal(largest);

      const error = refusal({ plaintext: note(`${largest.text}x`) });
      expect(error).to.be.instanceOf(InvalidRecordError);
      expect(error).to.include({
        field: "plaintext",
        rule: "size",
        message: "a note holds at most 8192 bytes of canonical JSON; this one is 8193",
      });
    });
  });
});
