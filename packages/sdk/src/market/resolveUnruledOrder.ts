import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type ResolveUnruledOrderParameters = { order: OrderRef; onHash?: (hash: Hash) => void };
export type ResolveUnruledOrderReturnType = WriteContractReturnType;

/**
 * Either party settles a disputed order with an even split once its arbiter let the ruling period pass.
 */
export async function resolveUnruledOrder(
  client: StoaBaseClient,
  { order, onHash }: ResolveUnruledOrderParameters,
): Promise<ResolveUnruledOrderReturnType> {
  return writeContract(client, {
    contract: "marketplace",
    functionName: "resolveUnruled",
    args: await orderCall(client, order),
    onHash,
  });
}
