import type { StoaBaseClient } from "../base.ts";
import { nodeFetch } from "../http.ts";

export type CatContentParameters = { cid: string; signal?: AbortSignal };
/** The file's bytes. */
export type CatContentReturnType = Uint8Array;

/**
 * The bytes of a UnixFS file (GET /v1/content/:cid), from the node or fetched from its peers.
 * StoaApiError 404 `not-found` when no one has it, 400 for what is not a CID.
 */
export async function catContent(
  client: StoaBaseClient,
  { cid, signal }: CatContentParameters,
): Promise<CatContentReturnType> {
  const response = await nodeFetch(client, {
    path: `/v1/content/${encodeURIComponent(cid)}`,
    headers: { accept: "application/octet-stream" },
    signal,
    action: "catContent",
  });
  return new Uint8Array(await response.arrayBuffer());
}
