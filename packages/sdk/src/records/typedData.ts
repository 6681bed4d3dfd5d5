/** The protocol's typed data in the shape viem's signTypedData takes (it derives EIP712Domain itself). */
import type { TypedDataDefinition } from "viem";

export function forViem(typedData: {
  domain: { name: string; version: string; salt: `0x${string}` };
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: object;
}): TypedDataDefinition {
  const { EIP712Domain: _domain, ...types } = typedData.types;
  return {
    domain: typedData.domain,
    types,
    primaryType: typedData.primaryType,
    message: typedData.message as Record<string, unknown>,
  } as unknown as TypedDataDefinition;
}
