/**
 * Forged OrbitDB entries for a Stoa family database, built by hand as a hostile peer would: each
 * kind breaks one rule (or, for `valid`, none: valid spam from a fresh wallet). Pure apart from
 * randomness; the forger process (forger.ts) publishes what this module builds.
 */
import * as dagCbor from "@ipld/dag-cbor";
import { Entry, type Identity } from "@orbitdb/core";
import {
  addressOfPrivateKey,
  batchDigest,
  buildRecord,
  delegate,
  randomPrivateKey,
  recordDigest,
  signBatch,
  signRecord,
  type AuthorBatch,
  type Family,
  type Hex,
  type SignedRecord,
} from "@stoa/protocol";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import type { RefusalReason } from "../../src/guard/refusals.ts";
import { listingBody } from "./records.ts";

/** What each kind of forged entry must be refused as by an honest node's gossip validator. */
export const EXPECTED_REFUSAL = {
  /** Bytes that are no OrbitDB entry at all. */
  junk: "undecodable",
  /** A listing whose body was changed after signing. */
  "bad-signature": "bad-signature",
  /** A listing that names another account as author, signed by the forger's wallet. */
  "wrong-signer": "bad-signature",
  /** A listing signed for another network (another EIP-712 domain), replayed here. */
  "cross-network": "bad-signature",
  /** An author batch with one item changed after signing. */
  "batch-tampered": "bad-signature",
  /** A listing signed by an app key whose delegation expired before the listing was made. */
  "expired-delegation": "bad-delegation",
  /** A listing signed by an app key delegated for profiles only. */
  "out-of-scope-delegation": "bad-delegation",
  /** A signed listing without a title and with a field the schema does not know. */
  "wrong-schema": "invalid-record",
  /** A signed listing with a 20,000-character description (the limit is 5,000). */
  oversized: "invalid-record",
  /** A signed profile replayed into the listings database. */
  "cross-family": "invalid-record",
  /** A valid record of the forger's stored under the id of someone else's record. */
  overwrite: "id-mismatch",
  /** An unsigned delete of someone else's record. */
  delete: "op-not-allowed",
  /** A valid record in an entry with 65 `next` links. */
  "too-many-links": "malformed-entry",
  /** A valid record in an entry claiming another node's OrbitDB identity and key, signed by the forger. */
  "stolen-identity": "entry-signature",
  /** A valid record in an entry whose identity block and key nobody holds. */
  "unknown-identity": "entry-signature",
  /** A valid record in an entry of another database (log id), published on this one's topic. */
  "wrong-database": "wrong-database",
  /** A valid record whose `next` points at a block nobody has. */
  "dangling-next": "unresolvable-ancestor",
  /** A valid listing from a fresh wallet: valid spam. */
  valid: null,
} as const satisfies Record<string, RefusalReason | null>;

export type ForgeryKind = keyof typeof EXPECTED_REFUSAL;

/** Every kind of forgery (all but `valid`). */
export const FORGERY_KINDS = (Object.keys(EXPECTED_REFUSAL) as ForgeryKind[]).filter((k) => k !== "valid");

/** What a forgery needs to know about its victims. */
export interface ForgeContext {
  /** A record id of someone else's (overwrite, delete). */
  victimId?: string;
  /** Someone else's OrbitDB identity (stolen-identity). */
  victimIdentity?: { hash: string; publicKey: string };
  /** Private key of the wallet whose valid records `valid` builds (default: a fresh wallet each). */
  authorKey?: Hex;
  /** createdAt of the records (default now). */
  createdAt?: number;
}

export interface CraftTarget {
  network: string;
  family: Family;
  /** The database address (its topic and log id). */
  address: string;
  /** The address of another database of the same network (wrong-database). */
  otherAddress: string;
  /** The forger's own OrbitDB identity: the entries' signer. */
  identity: Identity;
}

export interface ForgedEntry {
  kind: ForgeryKind;
  /** The entry's hash ("" for bytes that are no entry). */
  hash: string;
  /** The record ids inside (valid records, and the forged ones where they have one). */
  recordIds: string[];
  expected: RefusalReason | null;
}

export interface CraftedEntry extends ForgedEntry {
  bytes: Uint8Array;
}

let clock = 0;
let item = 0;

/** A CID of random bytes: a block nobody has. */
export async function missingBlock(): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return CID.create(1, dagCbor.code, await sha256.digest(bytes)).toString(base58btc);
}

type Payload = { op: string; key: string; value: unknown };

function put(id: string, envelope: object): Payload {
  return { op: "PUT", key: id, value: { _id: id, ...envelope } };
}

function listing(network: string, key: Hex, createdAt: number, overrides: object = {}): SignedRecord<"listing"> {
  const body = { ...listingBody(++item), key: `forged-${item}-${Date.now()}`, ...overrides };
  return signRecord(network, buildRecord("listing", addressOfPrivateKey(key), body, createdAt), key);
}

/** The payload of `kind` and the record ids it carries. */
function payloadOf(kind: ForgeryKind, target: CraftTarget, context: ForgeContext): [Payload, string[]] {
  const { network } = target;
  const now = context.createdAt ?? Date.now();
  const key = randomPrivateKey();
  switch (kind) {
    case "bad-signature": {
      const signed = listing(network, key, now);
      const tampered = { ...signed, body: { ...signed.body, title: "tampered after signing" } };
      const id = recordDigest(network, tampered);
      return [put(id, tampered), [id]];
    }
    case "wrong-signer": {
      const victim = addressOfPrivateKey(randomPrivateKey());
      const record = buildRecord("listing", victim, { ...listingBody(++item), key: `claimed-${item}` }, now);
      const signed = signRecord(network, record, key);
      const id = recordDigest(network, record);
      return [put(id, signed), [id]];
    }
    case "cross-network": {
      const signed = listing(`${network}-other`, key, now);
      const id = recordDigest(network, signed);
      return [put(id, signed), [id]];
    }
    case "batch-tampered": {
      const items = [0, 1, 2].map((i) => ({
        type: "listing" as const,
        v: 1,
        createdAt: now + i,
        body: listingBody(++item),
      }));
      const batch = signBatch(network, "listings", addressOfPrivateKey(key), items, key, { createdAt: now });
      const tampered: AuthorBatch = {
        ...batch,
        items: batch.items.map((it, i) => (i === 1 ? { ...it, body: { ...listingBody(item), price: "1" } } : it)),
      };
      const id = batchDigest(network, "listings", tampered);
      return [put(id, tampered), [id]];
    }
    case "expired-delegation":
    case "out-of-scope-delegation": {
      const appKey = randomPrivateKey();
      const app = addressOfPrivateKey(appKey);
      const delegation =
        kind === "expired-delegation"
          ? delegate(network, key, app, ["listing"], now - 60_000, now - 120_000)
          : delegate(network, key, app, ["profile"], now + 3_600_000, now - 1_000);
      const record = buildRecord("listing", addressOfPrivateKey(key), listingBody(++item), now);
      const signed = signRecord(network, record, appKey, delegation);
      const id = recordDigest(network, record, app);
      return [put(id, signed), [id]];
    }
    case "wrong-schema": {
      const { title: _title, ...rest } = listingBody(++item);
      const record = buildRecord("listing", addressOfPrivateKey(key), { ...rest, admin: true } as never, now);
      const signed = signRecord(network, record, key);
      const id = recordDigest(network, record);
      return [put(id, signed), [id]];
    }
    case "oversized": {
      const signed = listing(network, key, now, { description: "x".repeat(20_000) });
      const id = recordDigest(network, signed);
      return [put(id, signed), [id]];
    }
    case "cross-family": {
      const record = buildRecord("profile", addressOfPrivateKey(key), { name: `replayed ${++item}` }, now);
      const signed = signRecord(network, record, key);
      const id = recordDigest(network, record);
      return [put(id, signed), [id]];
    }
    case "overwrite": {
      const victimId = requireContext(context.victimId, "victimId", kind);
      const signed = listing(network, key, now);
      return [put(victimId, signed), [recordDigest(network, signed)]];
    }
    case "delete": {
      const victimId = requireContext(context.victimId, "victimId", kind);
      return [{ op: "DEL", key: victimId, value: null }, []];
    }
    default: {
      // every other kind carries a valid record: the forgery is in the entry around it
      const signed = listing(network, context.authorKey ?? key, now);
      const id = recordDigest(network, signed);
      return [put(id, signed), [id]];
    }
  }
}

function requireContext<T>(value: T | undefined, name: string, kind: ForgeryKind): T {
  if (value === undefined) throw new Error(`a ${kind} forgery needs context.${name}`);
  return value;
}

/**
 * Builds one entry of `kind` for `target`: its bytes, hash, record ids and expected refusal.
 * `next` links it to earlier entries (kinds that forge the links ignore it).
 */
export async function craft(
  kind: ForgeryKind,
  target: CraftTarget,
  context: ForgeContext = {},
  next: string[] = [],
): Promise<CraftedEntry> {
  const expected = EXPECTED_REFUSAL[kind];
  if (kind === "junk") {
    // 0xff is a CBOR "break" outside any indefinite-length item: never decodable
    const bytes = new Uint8Array(200);
    crypto.getRandomValues(bytes);
    bytes[0] = 0xff;
    return { kind, hash: "", recordIds: [], expected, bytes };
  }
  const [payload, recordIds] = payloadOf(kind, target, context);
  const { identity } = target;
  if (kind === "dangling-next") next = [await missingBlock()];
  if (kind === "too-many-links") next = await Promise.all(Array.from({ length: 65 }, missingBlock));
  const logId = kind === "wrong-database" ? target.otherAddress : target.address;
  const entry = await Entry.create(
    identity,
    logId,
    payload,
    undefined,
    { id: identity.publicKey, time: ++clock },
    next,
    [],
  );
  let override: Record<string, unknown> = {};
  if (kind === "stolen-identity") {
    const victim = requireContext(context.victimIdentity, "victimIdentity", kind);
    override = { identity: victim.hash, key: victim.publicKey };
  }
  if (kind === "unknown-identity") {
    const unknownKey = Buffer.from(crypto.getRandomValues(new Uint8Array(33))).toString("hex");
    override = { identity: await missingBlock(), key: unknownKey };
  }
  const { hash, bytes } = await Entry.encode({ ...entry, ...override });
  return { kind, hash, recordIds, expected, bytes };
}
