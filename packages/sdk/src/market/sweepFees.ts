import type { Address, Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";

export type SweepFeesParameters = {
  /** The token whose fees to send; default ETH (the zero address). */
  token?: Address;
  onHash?: (hash: Hash) => void;
};
export type SweepFeesReturnType = WriteContractReturnType;

/**
 * Sends the Marketplace's accrued protocol fees in `token` to the DAO treasury (anyone may call
 * it; `accruedFees(token)` says how much). Nothing accrued: `NothingToWithdraw`.
 */
export function sweepFees(
  client: StoaBaseClient,
  { token = "0x0000000000000000000000000000000000000000", onHash }: SweepFeesParameters = {},
): Promise<SweepFeesReturnType> {
  return writeContract(client, { contract: "marketplace", functionName: "sweepFees", args: [token], onHash });
}
