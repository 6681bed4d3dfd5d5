/**
 * EIP-712 typed-data hashing for Stoa's own types, on @noble/hashes. Only the types Stoa uses are
 * supported (string, address, bool, uint8-256, bytes32, structs and arrays of them); the output is
 * what any EIP-712 wallet (eth_signTypedData_v4) signs for the same input.
 *
 * Verifying an author batch hashes one struct per item, so what does not depend on the message is
 * computed once: type hashes (for deeply frozen type sets, as Stoa's own are) and domain
 * separators (per domain). A string that several structs share, such as a body that is both in a
 * batch's item and in the item's record id, can be hashed once with `PrehashedString`.
 */
import { addressWord, concatBytes, fromHex, keccak256, toHex, uintWord, utf8, type Hex } from "./bytes.ts";

export type TypedField = { readonly name: string; readonly type: string };
export type TypedTypes = Readonly<Record<string, readonly TypedField[]>>;

/** The EIP-712 domain of every Stoa record: the salt binds the network and the database. */
export interface StoaDomain {
  name: string;
  version: string;
  salt: Hex;
}

/** Freezes a type set and its fields, so that its type hashes can be computed once. */
export function frozenTypes<T extends TypedTypes>(types: T): T {
  for (const fields of Object.values(types)) {
    for (const field of fields) Object.freeze(field);
    Object.freeze(fields);
  }
  return Object.freeze(types);
}

export const DOMAIN_TYPES: TypedTypes = frozenTypes({
  EIP712Domain: [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "salt", type: "bytes32" },
  ],
});

/**
 * A string value whose keccak256 is computed once, for every struct that contains it. Only this
 * module can read the hash, and only values built by its constructor carry one: decoded data
 * (plain strings and objects) never does.
 */
export class PrehashedString {
  readonly #hash: Uint8Array;
  constructor(text: string) {
    this.#hash = keccak256(utf8(text));
  }
  static hashOf(value: unknown): Uint8Array | undefined {
    return typeof value === "object" && value !== null && #hash in value ? value.#hash : undefined;
  }
}

function dependencies(primary: string, types: TypedTypes, found = new Set<string>()): Set<string> {
  if (found.has(primary) || !types[primary]) return found;
  found.add(primary);
  for (const field of types[primary]) dependencies(field.type.replace(/\[\]$/, ""), types, found);
  return found;
}

/** `Primary(type name,...)Dep1(...)...` with dependencies sorted by name. */
export function encodeType(primary: string, types: TypedTypes): string {
  const deps = [...dependencies(primary, types)].filter((t) => t !== primary).sort();
  return [primary, ...deps].map((t) => `${t}(${types[t]!.map((f) => `${f.type} ${f.name}`).join(",")})`).join("");
}

function isDeeplyFrozen(types: TypedTypes): boolean {
  return (
    Object.isFrozen(types) &&
    Object.values(types).every((fields) => Object.isFrozen(fields) && fields.every((f) => Object.isFrozen(f)))
  );
}

/** Type hashes by primary type, per deeply frozen type set (null: the set is not frozen). */
const typeHashes = new WeakMap<TypedTypes, Map<string, Uint8Array> | null>();

/** The type hash, shared (callers inside this module never modify it). */
function sharedTypeHash(primary: string, types: TypedTypes): Uint8Array {
  let memo = typeHashes.get(types);
  if (memo === undefined) {
    memo = isDeeplyFrozen(types) ? new Map() : null;
    typeHashes.set(types, memo);
  }
  let hash = memo?.get(primary);
  if (!hash) {
    hash = keccak256(utf8(encodeType(primary, types)));
    memo?.set(primary, hash);
  }
  return hash;
}

export function typeHash(primary: string, types: TypedTypes): Uint8Array {
  return sharedTypeHash(primary, types).slice();
}

function encodeValue(type: string, value: unknown, types: TypedTypes): Uint8Array {
  if (type.endsWith("[]")) {
    const inner = type.slice(0, -2);
    if (!Array.isArray(value)) throw new TypeError(`${type} expects an array`);
    return keccak256(concatBytes(...value.map((v) => encodeValue(inner, v, types))));
  }
  if (types[type]) return hashStruct(type, types, value as Record<string, unknown>);
  if (type === "string") return PrehashedString.hashOf(value) ?? keccak256(utf8(String(value)));
  if (type === "address") return addressWord(String(value));
  if (type === "bool") return uintWord(value ? 1 : 0);
  if (type === "bytes32") {
    const bytes = fromHex(String(value));
    if (bytes.length !== 32) throw new TypeError("bytes32 expects 32 bytes");
    return bytes;
  }
  if (/^uint(8|16|32|64|128|256)$/.test(type)) {
    const bits = BigInt(type.slice(4));
    const v = BigInt(value as number | bigint);
    if (v < 0n || v >= 1n << bits) throw new RangeError(`${type} out of range: ${v}`);
    return uintWord(v);
  }
  throw new TypeError(`unsupported EIP-712 type: ${type}`);
}

export function hashStruct(primary: string, types: TypedTypes, value: Record<string, unknown>): Uint8Array {
  const fields = types[primary];
  if (!fields) throw new TypeError(`unknown struct ${primary}`);
  return keccak256(
    concatBytes(sharedTypeHash(primary, types), ...fields.map((f) => encodeValue(f.type, value[f.name], types))),
  );
}

/** Most domain separators remembered (a node uses one per family and network). */
const MAX_SEPARATORS = 256;
const separators = new Map<string, Uint8Array>();

/** hashStruct of the domain, computed once per domain (by value). */
function domainSeparator(domain: StoaDomain): Uint8Array {
  const { name, version, salt } = domain;
  const fields = { name, version, salt };
  // Only string fields are remembered: they are the whole of what the key says.
  if (typeof name !== "string" || typeof version !== "string" || typeof salt !== "string") {
    return hashStruct("EIP712Domain", DOMAIN_TYPES, fields);
  }
  const key = JSON.stringify([name, version, salt]);
  let separator = separators.get(key);
  if (!separator) {
    separator = hashStruct("EIP712Domain", DOMAIN_TYPES, fields);
    if (separators.size >= MAX_SEPARATORS) separators.delete(separators.keys().next().value!);
    separators.set(key, separator);
  }
  return separator;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), as a 0x hex string. */
export function typedDataDigest(
  domain: StoaDomain,
  primary: string,
  types: TypedTypes,
  message: Record<string, unknown>,
): Hex {
  return toHex(
    keccak256(concatBytes(new Uint8Array([0x19, 0x01]), domainSeparator(domain), hashStruct(primary, types, message))),
  );
}
