import type { ApiMarketOrder } from "@stoa/protocol/api";
import type { Address, Hex } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { getOrder } from "./getOrders.ts";

/** The Marketplace's `Order` struct, as `OrderCreated` emitted it. */
export type OrderStruct = {
  buyer: Address;
  seller: Address;
  arbiter: Address;
  token: Address;
  amount: bigint;
  listingHash: Hex;
  deliveryDeadline: bigint;
  protocolFeeBps: number;
  arbiterFeeBps: number;
  rulingPeriod: number;
};

/** An order: its id, or the order as the node answered it. */
export type OrderRef = bigint | number | ApiMarketOrder;

/**
 * The id and struct that Marketplace calls take, from the node's chain index. The contract
 * checks the struct against its one-slot commitment, so a node answering a wrong order makes the
 * call revert (`OrderMismatch`) rather than settle something else.
 */
export async function orderCall(client: StoaBaseClient, ref: OrderRef): Promise<readonly [bigint, OrderStruct]> {
  const order = typeof ref === "object" ? ref : await getOrder(client, { orderId: ref });
  const o = order as ApiMarketOrder & Record<string, unknown>;
  return [
    BigInt(order.orderId),
    {
      buyer: o.buyer as Address,
      seller: o.seller as Address,
      arbiter: o.arbiter as Address,
      token: o.token as Address,
      amount: BigInt(o.amount),
      listingHash: o.listingHash as Hex,
      deliveryDeadline: BigInt(o.deliveryDeadline as number),
      protocolFeeBps: o.protocolFeeBps as number,
      arbiterFeeBps: o.arbiterFeeBps as number,
      rulingPeriod: o.rulingPeriod as number,
    },
  ];
}
