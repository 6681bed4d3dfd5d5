/**
 * Record families: one shared OrbitDB database per family and network, with a well-known name,
 * and an EIP-712 domain per family and network so that a record signed for one database or
 * network is invalid in every other.
 */
import { keccak256, toHex, utf8, type Hex } from "./bytes.ts";
import type { StoaDomain } from "./eip712.ts";
import type { RecordType } from "./records/index.ts";

export const FAMILIES = {
  profiles: { types: ["profile"] },
  delegations: { types: ["delegation", "delegation-revocation"] },
  listings: { types: ["listing"] },
  orderNotes: { types: ["order-note"] },
  reviews: { types: ["review"] },
  // A tally needs a poll and all its votes: one database carries both, so that a node holding a
  // poll holds its votes, with one log to replicate and one gossip topic.
  polls: { types: ["poll", "poll-vote"] },
} as const satisfies Record<string, { types: readonly RecordType[] }>;

export type Family = keyof typeof FAMILIES;
export type TypesOf<F extends Family> = (typeof FAMILIES)[F]["types"][number];

/** The family that holds records of `type`. */
export function familyOf(type: RecordType): Family {
  for (const [family, spec] of Object.entries(FAMILIES)) {
    if ((spec.types as readonly string[]).includes(type)) return family as Family;
  }
  throw new Error(`no family holds ${type}`);
}

/** A network id: lower-case letters, digits and dashes ("stoa-dev", "stoa-mainnet"). */
export const NETWORK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function requireNetwork(network: string): void {
  if (!NETWORK_ID.test(network) || network.length > 64) {
    throw new RangeError(`network id must be 1-64 lower-case letters, digits and dashes: ${network}`);
  }
}

/** Salts by `stoa:<network>:<family>`: every record id needs its domain. */
const salts = new Map<string, Hex>();
const MAX_SALTS = 256;

/** The EIP-712 domain of records of `family` on `network`. */
export function domainOf(network: string, family: Family): StoaDomain {
  requireNetwork(network);
  const seed = `stoa:${network}:${family}`;
  let salt = salts.get(seed);
  if (!salt) {
    salt = toHex(keccak256(utf8(seed)));
    if (salts.size >= MAX_SALTS) salts.delete(salts.keys().next().value!);
    salts.set(seed, salt);
  }
  return { name: "Stoa", version: "1", salt };
}

/** The OrbitDB database name of `family` on `network` (every node of a network opens the same). */
export function databaseName(network: string, family: Family): string {
  requireNetwork(network);
  return `stoa/${network}/${family}/v1`;
}
