import type { Address, Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";

export type DelegateParameters = {
  /** Who receives the signer's voting power: the signer's own address to vote itself. */
  delegatee: Address;
  /** Called with the hash once sent, before it is mined. */
  onHash?: (hash: Hash) => void;
};
/** The transaction's hash and receipt. */
export type DelegateReturnType = WriteContractReturnType;

/** Delegates the signer's STOA voting power to `delegatee` (StoaToken.delegate); tokens vote only once delegated. */
export function delegate(
  client: StoaBaseClient,
  { delegatee, onHash }: DelegateParameters,
): Promise<DelegateReturnType> {
  return writeContract(client, { contract: "token", functionName: "delegate", args: [delegatee], onHash });
}
