/**
 * EIP-712 typed-data hashing for Stoa's own types, on @noble/hashes. Only the types Stoa uses are
 * supported (string, address, bool, uint8-256, bytes32, structs and arrays of them); the output is
 * what any EIP-712 wallet (eth_signTypedData_v4) signs for the same input.
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

export const DOMAIN_TYPES: TypedTypes = {
  EIP712Domain: [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "salt", type: "bytes32" },
  ],
};

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

export function typeHash(primary: string, types: TypedTypes): Uint8Array {
  return keccak256(utf8(encodeType(primary, types)));
}

function encodeValue(type: string, value: unknown, types: TypedTypes): Uint8Array {
  if (type.endsWith("[]")) {
    const inner = type.slice(0, -2);
    if (!Array.isArray(value)) throw new TypeError(`${type} expects an array`);
    return keccak256(concatBytes(...value.map((v) => encodeValue(inner, v, types))));
  }
  if (types[type]) return hashStruct(type, types, value as Record<string, unknown>);
  if (type === "string") return keccak256(utf8(String(value)));
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
    concatBytes(typeHash(primary, types), ...fields.map((f) => encodeValue(f.type, value[f.name], types))),
  );
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), as a 0x hex string. */
export function typedDataDigest(
  domain: StoaDomain,
  primary: string,
  types: TypedTypes,
  message: Record<string, unknown>,
): Hex {
  const separator = hashStruct("EIP712Domain", DOMAIN_TYPES, domain as unknown as Record<string, unknown>);
  return toHex(keccak256(concatBytes(new Uint8Array([0x19, 0x01]), separator, hashStruct(primary, types, message))));
}
