import type { Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { orderCall, type OrderRef } from "./orderStruct.ts";

export type RuleOrderParameters = {
  order: OrderRef;
  /** The buyer's share in basis points (0-10,000); the seller gets the rest. 7,000: 70% to the buyer. */
  buyerBps: number;
  onHash?: (hash: Hash) => void;
};
export type RuleOrderReturnType = WriteContractReturnType;

/**
 * The order's arbiter rules a disputed order: the arbiter fee comes off the top, then the buyer
 * receives `buyerBps` of the rest and the seller the remainder minus the protocol fee. Only
 * within the ruling period (after it: `RulingPeriodOver`).
 */
export async function ruleOrder(
  client: StoaBaseClient,
  { order, buyerBps, onHash }: RuleOrderParameters,
): Promise<RuleOrderReturnType> {
  if (!Number.isInteger(buyerBps) || buyerBps < 0 || buyerBps > 10_000) {
    throw new RangeError(`buyerBps must be a whole number from 0 to 10,000, not ${buyerBps}`);
  }
  const [orderId, struct] = await orderCall(client, order);
  return writeContract(client, {
    contract: "marketplace",
    functionName: "rule",
    args: [orderId, struct, buyerBps],
    onHash,
  });
}
