/**
 * Where the time of one validated write goes, in one process (run by core.bench.ts, or alone:
 * `node packages/core/bench/write-profile.ts [--quick]`).
 *
 * 1. Stage costs, each timed alone on the same signed listings: zod (envelope and body), canonical
 *    JSON, the EIP-712 digest, ecrecover (and its parts), OrbitDB's entry signature (sign and
 *    verify through @libp2p/crypto, beside node:crypto's native ECDSA), dag-cbor entry coding.
 * 2. The put path of a real StoaNode (LevelDB, node:sqlite, no peers), with OrbitDB's entry
 *    creation and decoding, the blockstore, pinning, gossip publishing and the index wrapped in
 *    timers (wrappers only: no production code changes), and verifications counted.
 */
import { createPublicKey, verify as nativeVerify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as dagCbor from "@ipld/dag-cbor";
import { generateKeyPair, publicKeyFromRaw } from "@libp2p/crypto/keys";
import { tcp } from "@libp2p/tcp";
import { Entry } from "@orbitdb/core";
import {
  batchShape,
  canonicalJson,
  listingV1,
  recordDigest,
  recordShape,
  recoverSigner,
  verifyEnvelope,
  type AuthorBatch,
  type Envelope,
  type SignedRecord,
} from "@stoa/protocol";
import { fromHex, keccak256, utf8 } from "../../protocol/src/bytes.ts";
import { domainOf } from "../../protocol/src/families.ts";
import { DOMAIN_TYPES, encodeType, hashStruct } from "../../protocol/src/eip712.ts";
import { RECORD_TYPES_712 } from "../../protocol/src/envelope.ts";
import { DecisionCache, loopbackOnlyGater, RecordIndex, StoaNode } from "../src/index.ts";
import { nodeStorage } from "../src/node/index.ts";
import { ListingSource, NETWORK } from "./corpus.ts";
import { serve } from "./ipc.ts";

/** The part of @noble/curves 2 (the copy @stoa/protocol uses) that the stage timings call. */
interface NoblePoint {
  toBytes(compressed?: boolean): Uint8Array;
}
interface Secp256k1 {
  recoverPublicKey(signature: Uint8Array, digest: Uint8Array, options: { prehash: boolean }): Uint8Array;
  Point: { fromBytes(bytes: Uint8Array): NoblePoint };
  Signature: {
    fromBytes(bytes: Uint8Array, format: "recovered"): { recoverPublicKey(digest: Uint8Array): NoblePoint };
  };
}

async function protocolsNoble(): Promise<Secp256k1> {
  const require = createRequire(import.meta.resolve("@stoa/protocol"));
  const module = (await import(pathToFileURL(require.resolve("@noble/curves/secp256k1.js")).href)) as {
    secp256k1: Secp256k1;
  };
  return module.secp256k1;
}

/** Mean time of `fn` over `runs` calls after `warmup` calls (ms). */
function time(fn: (i: number) => unknown, runs: number, warmup = Math.min(20, runs)): number {
  for (let i = 0; i < warmup; i++) fn(i);
  const started = performance.now();
  for (let i = 0; i < runs; i++) fn(i);
  return (performance.now() - started) / runs;
}

export interface StageCosts {
  [stage: string]: number;
}

/** Stage costs of verifying one single record and one author batch of 100 (ms). */
async function stageCosts(runs: number, source: ListingSource): Promise<StageCosts> {
  const secp = await protocolsNoble();
  const singles = source.envelopes(runs, 1) as SignedRecord<"listing">[];
  const [batch] = source.envelopes(1, 100) as AuthorBatch[];
  const digests = singles.map((r) => recordDigest(NETWORK, r));
  const sigs = singles.map((r) => fromHex(r.sig));
  const recovered = sigs.map((s) => new Uint8Array([s[64]! - 27, ...s.subarray(0, 64)]));
  const compressed = recovered.map((s, i) => secp.recoverPublicKey(s, fromHex(digests[i]!), { prehash: false }));
  const at = (i: number) => i % runs;
  const c: StageCosts = {};
  c["zod: envelope shape"] = time((i) => recordShape.safeParse(singles[at(i)]), runs);
  c["zod: listing body"] = time((i) => listingV1.safeParse(singles[at(i)]!.body), runs);
  c["canonical JSON + size"] = time((i) => new TextEncoder().encode(canonicalJson(singles[at(i)]!.body)).length, runs);
  c["EIP-712 digest (recordDigest)"] = time((i) => recordDigest(NETWORK, singles[at(i)]!), runs);
  // What the digest no longer computes each call (memoized in @stoa/protocol).
  c["  type hashes, if computed each call (memoized)"] = time(
    () => [
      keccak256(utf8(encodeType("Record", RECORD_TYPES_712))),
      keccak256(utf8(encodeType("EIP712Domain", DOMAIN_TYPES))),
    ],
    runs,
  );
  c["  domain separator, if computed each call (memoized)"] = time(
    () => hashStruct("EIP712Domain", DOMAIN_TYPES, domainOf(NETWORK, "listings") as unknown as Record<string, unknown>),
    runs,
  );
  c["keccak256, 32 bytes (noble)"] = time(() => keccak256(new Uint8Array(32)), runs * 4);
  c["keccak256, 600 bytes (noble)"] = time(() => keccak256(new Uint8Array(600)), runs * 4);
  c["ecrecover (recoverSigner)"] = time((i) => recoverSigner(digests[at(i)]!, singles[at(i)]!.sig), runs);
  c["  noble recoverPublicKey (compressed out, as before)"] = time(
    (i) => secp.recoverPublicKey(recovered[at(i)]!, fromHex(digests[at(i)]!), { prehash: false }),
    runs,
  );
  c["  decompressing it again (as before)"] = time(
    (i) => secp.Point.fromBytes(compressed[at(i)]!).toBytes(false),
    runs,
  );
  c["  recover straight to uncompressed (recoverSigner now)"] = time(
    (i) =>
      secp.Signature.fromBytes(recovered[at(i)]!, "recovered")
        .recoverPublicKey(fromHex(digests[at(i)]!))
        .toBytes(false),
    runs,
  );
  c["verifyEnvelope, single record"] = time((i) => verifyEnvelope(NETWORK, "listings", singles[at(i)]), runs);
  const batchRuns = Math.max(5, Math.round(runs / 20));
  c["verifyEnvelope, batch of 100 (per batch)"] = time(() => verifyEnvelope(NETWORK, "listings", batch), batchRuns, 3);

  // OrbitDB's entry signature: @libp2p/crypto (noble) as OrbitDB calls it, and node:crypto's native ECDSA.
  const key = await generateKeyPair("secp256k1");
  const entryOf = (envelope: Envelope) => ({
    id: "/orbitdb/zdpuAbench",
    payload: { op: "PUT", key: "0x00", value: envelope },
    next: ["zdpuAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    refs: [],
    clock: { id: "02abcdef", time: 1 },
    v: 2,
  });
  const singleBytes = dagCbor.encode(entryOf(singles[0]!));
  const batchBytes = dagCbor.encode(entryOf(batch!));
  const sig = key.sign(singleBytes) as Uint8Array;
  const raw = key.publicKey.raw;
  c["OrbitDB entry sign (@libp2p/crypto, noble)"] = time(() => key.sign(singleBytes), runs);
  c["OrbitDB entry verify (@libp2p/crypto, as OrbitDB calls it)"] = time(
    () => publicKeyFromRaw(raw).verify(singleBytes, sig),
    runs,
  );
  c["  of which publicKeyFromRaw (decompression)"] = time(() => publicKeyFromRaw(raw), runs);
  const point = publicKeyFromRaw(raw);
  const jwk = uncompressedJwk(secp.Point.fromBytes(raw).toBytes(false));
  const native = createPublicKey({ key: jwk, format: "jwk" });
  c["same verify with node:crypto (native ECDSA)"] = time(
    () => nativeVerify("sha256", singleBytes, { key: native, dsaEncoding: "der" }, sig),
    runs,
  );
  if (
    !nativeVerify("sha256", singleBytes, { key: native, dsaEncoding: "der" }, sig) ||
    !point.verify(singleBytes, sig)
  ) {
    throw new Error("native and noble verification disagree");
  }
  c["dag-cbor encode, single-record entry"] = time(() => dagCbor.encode(entryOf(singles[0]!)), runs);
  c["dag-cbor decode, single-record entry"] = time(() => dagCbor.decode(singleBytes), runs);
  c["dag-cbor decode, batch-of-100 entry"] = time(() => dagCbor.decode(batchBytes), batchRuns * 4, 3);
  c["entry bytes, single record"] = singleBytes.length;
  c["entry bytes, batch of 100"] = batchBytes.length;
  return c;
}

/** A JWK for an uncompressed secp256k1 public key (0x04 ‖ x ‖ y). */
function uncompressedJwk(point: Uint8Array) {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  return { kty: "EC", crv: "secp256k1", x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) };
}

export interface PutBreakdown {
  envelopes: number;
  recordsPerEnvelope: number;
  /** Mean time per put, uninstrumented (ms). */
  totalMs: number;
  /** Mean time per put of each wrapped span, from a second, instrumented pass (ms). */
  spans: Record<string, number>;
  /** Instrumented pass: mean time per put. */
  instrumentedMs: number;
  /** Per put: OrbitDB entry decodes, envelope verifications, and decisions taken as vouched for. */
  decodesPerPut: number;
  verificationsPerPut: number;
  vouchedPerPut: number;
  /** Decisions the DecisionCache served, and stored, under an undefined entry hash. */
  undefinedKey: { reads: number; writes: number };
}

type Span = { ms: number; calls: number };

/** Replaces `owner[name]` (a function) with a timed wrapper; returns the restore function. */
function wrap<T extends object>(owner: T, name: keyof T & string, span: Span): () => void {
  const original = owner[name] as unknown as (...args: unknown[]) => unknown;
  const timed = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    span.calls++;
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.finally(() => (span.ms += performance.now() - started));
    }
    if (result && typeof (result as AsyncGenerator)[Symbol.asyncIterator] === "function") {
      return (async function* () {
        try {
          yield* result as AsyncGenerator;
        } finally {
          span.ms += performance.now() - started;
        }
      })();
    }
    span.ms += performance.now() - started;
    return result;
  };
  (owner as Record<string, unknown>)[name] = timed;
  return () => ((owner as Record<string, unknown>)[name] = original);
}

/**
 * Counts envelope verifications (each parses the envelope's shape first), decisions taken as
 * vouched for, and decisions served or stored under an undefined hash, by every node of this
 * process. Synchronous pass-through wrappers: they add no promise ticks, so the order of the
 * node's queued work is left as it is.
 */
function countVerifications() {
  const counts = { verifications: 0, vouched: 0, undefinedReads: 0, undefinedWrites: 0 };
  const shapes = [recordShape, batchShape] as { safeParse: (value: unknown) => unknown }[];
  const parses = shapes.map((shape) => shape.safeParse);
  shapes.forEach((shape, i) => {
    shape.safeParse = (value: unknown) => {
      counts.verifications++;
      return parses[i]!.call(shape, value);
    };
  });
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with their own `this` by the wrappers
  const { get, set, vouched } = DecisionCache.prototype;
  DecisionCache.prototype.get = function (this: DecisionCache, hash) {
    const decision = get.call(this, hash);
    if (hash === undefined && decision) counts.undefinedReads++;
    return decision;
  };
  DecisionCache.prototype.set = function (this: DecisionCache, hash, decision) {
    set.call(this, hash, decision);
    if (hash === undefined && get.call(this, hash)) counts.undefinedWrites++;
  };
  DecisionCache.prototype.vouched = function (this: DecisionCache, network, family, document) {
    const decision = vouched.call(this, network, family, document);
    if (decision) counts.vouched++;
    return decision;
  };
  const restore = () => {
    shapes.forEach((shape, i) => (shape.safeParse = parses[i]!));
    Object.assign(DecisionCache.prototype, { get, set, vouched });
  };
  return { counts, restore };
}

/**
 * The put path of a StoaNode for `count` envelopes of `size` records: first uninstrumented (the
 * total, and verifications counted), then again with every span wrapped in a timer.
 */
async function putBreakdown(source: ListingSource, count: number, size: number): Promise<PutBreakdown> {
  const dir = mkdtempSync(join(tmpdir(), "stoa-write-profile-"));
  const cache = countVerifications();
  const node = new StoaNode({
    network: NETWORK,
    ...nodeStorage(dir),
    transports: [tcp()],
    listen: ["/ip4/127.0.0.1/tcp/0"],
    connectionGater: loopbackOnlyGater,
    families: ["listings"],
  });
  const restores: (() => void)[] = [];
  try {
    await node.start();
    const store = node.family("listings");
    for (const envelope of source.envelopes(17, size)) await store.put(envelope); // OrbitDB's 16 references exist
    const plain = source.envelopes(count, size);
    const { verifications, vouched } = cache.counts;
    let started = performance.now();
    for (const envelope of plain) await store.put(envelope);
    const totalMs = (performance.now() - started) / count;
    await store.settled();
    const verificationsPerPut = (cache.counts.verifications - verifications) / count;
    const vouchedPerPut = (cache.counts.vouched - vouched) / count;

    const spans: Record<string, Span> = {};
    const span = (name: string) => (spans[name] = { ms: 0, calls: 0 });
    restores.push(
      wrap(Entry, "create", span("OrbitDB Entry.create (dag-cbor encode + @libp2p/crypto sign)")),
      wrap(Entry, "decode", span("OrbitDB Entry.decode (log reads: references, index walk)")),
      wrap(node.helia.blockstore, "put", span("blockstore put (LevelDB)")),
      wrap(node.helia.pins, "add", span("pin add")),
      wrap(node.helia.pins, "isPinned", span("pin check")),
      wrap(node.libp2p.services.pubsub, "publish", span("gossipsub publish")),
      wrap(RecordIndex.prototype, "ingestMany", span("index ingest (SQLite transaction)")),
      wrap(RecordIndex.prototype, "get", span("index get (known check, read back)")),
      wrap(RecordIndex.prototype, "hasEntry", span("index hasEntry")),
    );
    const timed = source.envelopes(count, size);
    started = performance.now();
    for (const envelope of timed) await store.put(envelope);
    const instrumentedMs = (performance.now() - started) / count;
    for (const restore of restores.splice(0)) restore();
    await store.settled();
    return {
      envelopes: count,
      recordsPerEnvelope: size,
      totalMs,
      spans: Object.fromEntries(Object.entries(spans).map(([name, s]) => [name, s.ms / count])),
      instrumentedMs,
      decodesPerPut: spans["OrbitDB Entry.decode (log reads: references, index walk)"]!.calls / count,
      verificationsPerPut,
      vouchedPerPut,
      undefinedKey: { reads: cache.counts.undefinedReads, writes: cache.counts.undefinedWrites },
    };
  } finally {
    for (const restore of restores) restore();
    cache.restore();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WriteProfile {
  stages: StageCosts;
  single: PutBreakdown;
  batch: PutBreakdown;
}

export async function profileWrites({ quick = false }: { quick?: boolean } = {}): Promise<WriteProfile> {
  const source = new ListingSource("profile", 50);
  const stages = await stageCosts(quick ? 100 : 300, source);
  const single = await putBreakdown(source, quick ? 60 : 200, 1);
  const batch = await putBreakdown(source, quick ? 10 : 30, 100);
  return { stages, single, batch };
}

/** Printable lines of a profile. */
export function describeProfile(profile: WriteProfile): string[] {
  const lines = ["stage costs (ms, mean):"];
  for (const [stage, ms] of Object.entries(profile.stages)) {
    lines.push(`  ${stage.padEnd(60)} ${stage.startsWith("entry bytes") ? String(ms) : ms.toFixed(3)}`);
  }
  for (const b of [profile.single, profile.batch]) {
    lines.push(
      `put path, ${b.recordsPerEnvelope === 1 ? "single record" : `batch of ${b.recordsPerEnvelope}`} (ms per put, mean of ${b.envelopes}):`,
    );
    lines.push(`  ${"total (uninstrumented)".padEnd(60)} ${b.totalMs.toFixed(2)}`);
    for (const [name, ms] of Object.entries(b.spans)) lines.push(`  ${name.padEnd(60)} ${ms.toFixed(2)}`);
    lines.push(`  ${"total (instrumented)".padEnd(60)} ${b.instrumentedMs.toFixed(2)}`);
    lines.push(
      `  entry decodes per put: ${b.decodesPerPut.toFixed(1)}, envelope verifications per put: ${b.verificationsPerPut.toFixed(2)}, ` +
        `vouched decisions taken per put: ${b.vouchedPerPut.toFixed(2)}, ` +
        `decision cache under an undefined hash: ${b.undefinedKey.writes} writes, ${b.undefinedKey.reads} reads`,
    );
  }
  return lines;
}

// Run as a script: forked by core.bench.ts (answers over IPC), or alone (prints).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.send) {
    serve({
      profile: (args: { quick?: boolean }) => profileWrites(args),
      stop: () => setImmediate(() => process.exit(0)),
    });
  } else {
    const profile = await profileWrites({ quick: process.argv.includes("--quick") });
    console.log(describeProfile(profile).join("\n"));
  }
}
