import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type DisputeOrderParameters = { order: OrderRef; onHash?: (hash: Hash) => void };
export type DisputeOrderReturnType = WriteContractReturnType;

/**
 * The buyer or the seller disputes the order before its delivery deadline; its arbiter then rules. After the deadline: `DisputeWindowClosed`.
 */
export async function disputeOrder(
  client: StoaBaseClient,
  { order, onHash }: DisputeOrderParameters,
): Promise<DisputeOrderReturnType> {
  return writeContract(client, {
    contract: "marketplace",
    functionName: "dispute",
    args: await orderCall(client, order),
    onHash,
  });
}
