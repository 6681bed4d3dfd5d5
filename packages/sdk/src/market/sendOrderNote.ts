import { sealOrderNote, type OrderNotePlaintextV1 } from "@stoa/protocol";
import type { ApiMarketOrder } from "@stoa/protocol/api";
import { requireSigning, type StoaBaseClient } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { putRecord, type PutRecordReturnType } from "../records/putRecord.ts";
import { signRecords } from "../records/signRecords.ts";
import { getOrder } from "./getOrders.ts";
import { getNoteKey, noteKeyOf } from "./noteKey.ts";

export type SendOrderNoteParameters = {
  order: bigint | number | ApiMarketOrder;
  /** Who reads it: the other party by default; "arbiter" for the order's arbiter. */
  to?: "buyer" | "seller" | "arbiter";
  /** "message", "shipping" (address and contact), "shipped" (tracking). */
  kind: Exclude<OrderNotePlaintextV1["kind"], "forwarded">;
  text: string;
};
export type SendOrderNoteReturnType = PutRecordReturnType;

/**
 * Sends a note about an order, encrypted end to end to its reader (x25519 + XChaCha20-Poly1305),
 * with a copy encrypted to the sender so that both can read the thread: two records under one
 * signature. The reader must have published a note key (NoteKeyMissingError otherwise); the node
 * takes notes only between the order's parties.
 */
export async function sendOrderNote(
  client: StoaBaseClient,
  { order, to, kind, text }: SendOrderNoteParameters,
): Promise<SendOrderNoteReturnType> {
  const view = typeof order === "object" ? order : await getOrder(client, { orderId: order });
  const me = requireSigning(client, "sendOrderNote").address.toLowerCase();
  const role = to ?? (me === view.buyer.toLowerCase() ? "seller" : "buyer");
  const recipient = view[role].toLowerCase();
  const [{ chainId }, recipientKey, own] = await Promise.all([
    deploymentOf(client),
    noteKeyOf(client, recipient),
    getNoteKey(client),
  ]);
  const plaintext: OrderNotePlaintextV1 = { v: 1, kind, text };
  const seal = (reader: string, readerKey: `0x${string}`) =>
    sealOrderNote({
      chainId,
      orderId: String(view.orderId),
      author: me,
      recipient: reader,
      recipientKey: readerKey,
      plaintext,
    });
  const items = [{ type: "order-note" as const, body: seal(recipient, recipientKey) }];
  if (recipient !== me) items.push({ type: "order-note", body: seal(me, own.publicKey) });
  const envelope = await signRecords(client, { family: "orderNotes", items });
  return putRecord(client, { envelope, family: "orderNotes" });
}
