import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type RefundOrderParameters = { order: OrderRef; onHash?: (hash: Hash) => void };
export type RefundOrderReturnType = WriteContractReturnType;

/**
 * The seller refunds the buyer in full (also ends a dispute).
 */
export async function refundOrder(
  client: StoaBaseClient,
  { order, onHash }: RefundOrderParameters,
): Promise<RefundOrderReturnType> {
  return writeContract(client, {
    contract: "marketplace",
    functionName: "refund",
    args: await orderCall(client, order),
    onHash,
  });
}
