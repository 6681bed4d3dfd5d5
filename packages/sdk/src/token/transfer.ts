import type { Address, Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";

export type TransferParameters = {
  to: Address;
  /** Token wei (18 decimals): `parseEther("1.5")` for 1.5 STOA. */
  amount: bigint;
  /** Called with the hash once sent, before it is mined. */
  onHash?: (hash: Hash) => void;
};
/** The transaction's hash and receipt. */
export type TransferReturnType = WriteContractReturnType;

/**
 * Sends STOA from the signer to `to` (StoaToken.transfer). More than the balance is a
 * StoaContractError `ERC20InsufficientBalance(sender, balance, needed)`.
 */
export function transfer(
  client: StoaBaseClient,
  { to, amount, onHash }: TransferParameters,
): Promise<TransferReturnType> {
  return writeContract(client, { contract: "token", functionName: "transfer", args: [to, amount], onHash });
}
