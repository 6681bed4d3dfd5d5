import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type ReleaseOrderParameters = { order: OrderRef; onHash?: (hash: Hash) => void };
export type ReleaseOrderReturnType = WriteContractReturnType;

/**
 * The buyer releases the payment to the seller, minus the protocol fee (also ends a dispute). Anyone else: `Unauthorized`.
 */
export async function releaseOrder(
  client: StoaBaseClient,
  { order, onHash }: ReleaseOrderParameters,
): Promise<ReleaseOrderReturnType> {
  return writeContract(client, {
    contract: "marketplace",
    functionName: "release",
    args: await orderCall(client, order),
    onHash,
  });
}
