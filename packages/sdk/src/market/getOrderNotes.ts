import { NoteDecryptError, openOrderNote, type OrderNotePlaintextV1, type OrderNoteV1 } from "@stoa/protocol";
import type { ApiMarketOrder } from "@stoa/protocol/api";
import { requireSigning, type StoaBaseClient } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { queryRecords } from "../records/queryRecords.ts";
import { getNoteKey } from "./noteKey.ts";

export type GetOrderNotesParameters = { order: bigint | number | ApiMarketOrder };
export type OrderNote = {
  id: string;
  author: string;
  createdAt: number;
  /** The note, or why it could not be opened (altered, or sealed to another key). */
  note: OrderNotePlaintextV1 | { unreadable: string };
};
/** The notes addressed to the signer about the order, oldest first, opened. */
export type GetOrderNotesReturnType = OrderNote[];

/**
 * Reads the notes of an order that the signer can open: those sealed to it (by the other party,
 * or its own copies), oldest first. Notes sealed to someone else stay ciphertext on every node.
 */
export async function getOrderNotes(
  client: StoaBaseClient,
  { order }: GetOrderNotesParameters,
): Promise<GetOrderNotesReturnType> {
  const orderId = String(typeof order === "object" ? order.orderId : order);
  const me = requireSigning(client, "getOrderNotes").address.toLowerCase();
  const [{ secretKey }, { chainId }] = await Promise.all([getNoteKey(client), deploymentOf(client)]);
  const notes: OrderNote[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryRecords(client, {
      family: "orderNotes",
      filters: { orderId, recipient: me, chainId },
      sort: "oldest",
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const record of page.items) {
      let note: OrderNote["note"];
      try {
        note = openOrderNote({ body: record.body as OrderNoteV1, author: record.author, secretKey });
      } catch (error) {
        if (!(error instanceof NoteDecryptError)) throw error;
        note = { unreadable: error.message };
      }
      notes.push({ id: record.id, author: record.author, createdAt: record.createdAt, note });
    }
    cursor = page.next;
  } while (cursor);
  return notes;
}
