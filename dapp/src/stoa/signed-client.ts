/**
 * The SDK client of a connected wallet: every action bound, the chain through the wallet (or the
 * dev chain's RPC), records and transactions signed by the wallet's account. Its own chunk: the
 * first page load does not carry the SDK's chain and signing code.
 */
import { createStoaClient, type StoaClient } from "@stoa/sdk";
import { NODE_URL } from "../app/config.ts";
import type { Connection } from "../wallet/WalletProvider.tsx";

export const createSignedClient = (connection: Connection): StoaClient =>
  createStoaClient({ node: NODE_URL, provider: connection.provider, signer: connection.signer });
