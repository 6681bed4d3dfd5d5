import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type ClaimOrderParameters = { order: OrderRef; onHash?: (hash: Hash) => void };
export type ClaimOrderReturnType = WriteContractReturnType;

/**
 * The seller takes the payment (minus the protocol fee) once the delivery deadline passed with the buyer silent. Before it: `DeliveryDeadlineNotReached`.
 */
export async function claimOrder(
  client: StoaBaseClient,
  { order, onHash }: ClaimOrderParameters,
): Promise<ClaimOrderReturnType> {
  return writeContract(client, {
    contract: "marketplace",
    functionName: "claim",
    args: await orderCall(client, order),
    onHash,
  });
}
