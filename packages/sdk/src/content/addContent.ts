import { contentAddedSchema, type ApiContentAdded } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type AddContentParameters = {
  /** The file's bytes (a string is sent as UTF-8). */
  content: Uint8Array | Blob | string;
  signal?: AbortSignal;
};
/** The file's CID (CIDv1, raw leaves) and its size in bytes. */
export type AddContentReturnType = ApiContentAdded;

/**
 * Adds a file to the node's IPFS store, pinned (POST /v1/content). Needs a session; StoaApiError
 * 413 `content-too-large` above the node's limit.
 */
export function addContent(
  client: StoaBaseClient,
  { content, signal }: AddContentParameters,
): Promise<AddContentReturnType> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return nodeJson(client, contentAddedSchema, {
    method: "POST",
    path: "/v1/content",
    body: bytes,
    session: "required",
    signal,
    action: "addContent",
  });
}
