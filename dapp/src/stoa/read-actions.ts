/**
 * The SDK's node-read actions and their client (no chain, no signer). Loaded by `reader()` in its
 * own chunk, right after the entry runs: their zod schemas are a third of the first load's script,
 * and evaluating them apart keeps each main-thread task short.
 */
import { createNodeClient, getChainStatus, getNodeInfo, getPeers, queryRecords } from "@stoa/sdk";
import { NODE_URL } from "../app/config.ts";

export const readClient = createNodeClient({ node: NODE_URL });
export { getChainStatus, getNodeInfo, getPeers, queryRecords };
