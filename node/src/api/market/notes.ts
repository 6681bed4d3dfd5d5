/**
 * Order notes are for an order's parties: the node takes a note only when its chain index shows
 * the order on this chain with the note's author and recipient among its buyer, seller and
 * arbiter. Anyone else's note about the order is refused (422 `not-order-party`); what a note
 * says stays encrypted to its recipient (@stoa/protocol's order-notes sealing).
 */
import type { OrderNoteV1, VerifiedRecord } from "@stoa/protocol";
import type { OrderView } from "../../chain/queries.ts";
import type { DaemonContext } from "../../context.ts";
import { ApiError } from "../errors.ts";

const CATCH_UP_MS = 10_000;

function verdict(ctx: DaemonContext, author: string, note: OrderNoteV1, order: OrderView | undefined) {
  if (note.chainId !== ctx.chain.chainId) {
    return { field: "body.chainId", message: `this node follows chain ${ctx.chain.chainId}, not ${note.chainId}` };
  }
  if (!order) return { field: "body.orderId", message: `order ${note.orderId} is not on chain` };
  const parties = [order.buyer, order.seller, order.arbiter].map((a) => a.toLowerCase());
  if (!parties.includes(author)) {
    return { field: "author", message: `${author} is not a party of order ${note.orderId} (buyer, seller or arbiter)` };
  }
  if (!parties.includes(note.recipient)) {
    return { field: "body.recipient", message: `${note.recipient} is not a party of order ${note.orderId}` };
  }
  return undefined;
}

/** Refuses notes whose author or recipient is not a party of the order on chain. */
export async function checkOrderNotes(ctx: DaemonContext, records: readonly VerifiedRecord[]): Promise<void> {
  const orders = new Map<string, OrderView | undefined>();
  const orderOf = async (orderId: string, fresh = false) => {
    if (fresh || !orders.has(orderId)) {
      const id = Number(orderId);
      orders.set(orderId, Number.isSafeInteger(id) ? await ctx.chain.indexer.order(id) : undefined);
    }
    return orders.get(orderId);
  };
  for (const record of records) {
    const note = record.body as OrderNoteV1;
    let refusal = verdict(ctx, record.author, note, await orderOf(note.orderId));
    if (refusal?.field === "body.orderId") {
      // A note sent right after the order was paid may be ahead of the chain index.
      const head = await ctx.chain.provider.getBlockNumber();
      await ctx.chain.indexer.waitFor(head, CATCH_UP_MS).catch(() => undefined);
      refusal = verdict(ctx, record.author, note, await orderOf(note.orderId, true));
    }
    if (refusal) throw new ApiError(422, "not-order-party", refusal.message, { field: refusal.field });
  }
}
