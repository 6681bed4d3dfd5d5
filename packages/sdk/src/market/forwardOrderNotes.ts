import { sealOrderNote, type OrderNotePlaintextV1 } from "@stoa/protocol";
import type { ApiMarketOrder } from "@stoa/protocol/api";
import { requireSigning, type StoaBaseClient } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { putRecord, type PutRecordReturnType } from "../records/putRecord.ts";
import { signRecords } from "../records/signRecords.ts";
import { getOrderNotes } from "./getOrderNotes.ts";
import { getOrder } from "./getOrders.ts";
import { noteKeyOf } from "./noteKey.ts";

export type ForwardOrderNotesParameters = { order: bigint | number | ApiMarketOrder };
/** The batch written, or undefined when there was nothing to forward. */
export type ForwardOrderNotesReturnType = PutRecordReturnType | undefined;

/**
 * In a dispute, a party shows the arbiter the thread: every note it can open (both sides' notes,
 * through its own copies) re-encrypted to the arbiter as "forwarded", naming who wrote each and
 * when. One signature for all of them.
 */
export async function forwardOrderNotes(
  client: StoaBaseClient,
  { order }: ForwardOrderNotesParameters,
): Promise<ForwardOrderNotesReturnType> {
  const view = typeof order === "object" ? order : await getOrder(client, { orderId: order });
  const me = requireSigning(client, "forwardOrderNotes").address.toLowerCase();
  const arbiter = view.arbiter.toLowerCase();
  const [{ chainId }, arbiterKey, notes] = await Promise.all([
    deploymentOf(client),
    noteKeyOf(client, arbiter),
    getOrderNotes(client, { order: view }),
  ]);
  const now = Date.now();
  const items = notes.flatMap(({ author, createdAt, note }) => {
    if ("unreadable" in note || note.kind === "forwarded") return [];
    const recipient = author === me ? (me === view.buyer.toLowerCase() ? view.seller : view.buyer).toLowerCase() : me;
    const plaintext: OrderNotePlaintextV1 = {
      v: 1,
      kind: "forwarded",
      text: note.text,
      forwarded: { author, recipient, createdAt, kind: note.kind },
    };
    const body = sealOrderNote({
      chainId,
      orderId: String(view.orderId),
      author: me,
      recipient: arbiter,
      recipientKey: arbiterKey,
      plaintext,
    });
    return [{ type: "order-note" as const, body }];
  });
  // One millisecond apart, so that the arbiter reads them in the thread's order.
  const ordered = items.map((item, k) => ({ ...item, createdAt: now + k }));
  if (ordered.length === 0) return undefined;
  const envelope = await signRecords(client, { family: "orderNotes", items: ordered, createdAt: now });
  return putRecord(client, { envelope, family: "orderNotes" });
}
