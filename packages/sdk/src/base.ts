/**
 * The client every action takes first: where the node is, the chain (a provider), who signs (a
 * signer), the deployment, and the session that `signIn` opens. Values that come from the node
 * or the chain (network id, deployment, chain id check) are fetched once, when first needed.
 * Signers and providers are wired in wallet.ts, the chain side in chain/chainOf.ts.
 */
import type {
  Account,
  Address,
  Chain,
  Client,
  EIP1193Provider,
  Hex,
  PublicClient,
  Transport,
  TypedDataDefinition,
  WalletClient,
} from "viem";
import type { StoaDeployment, StoaDeploymentInput } from "./deployment.ts";
import { SignerRequiredError } from "./errors.ts";
import { nodeGet } from "./http.ts";
import { nodeStatusSchema } from "@stoa/protocol/api";

/** An EIP-1193 provider (`window.ethereum`), a viem transport (`http(url)`), or a viem client. */
export type StoaProvider = EIP1193Provider | Transport | Pick<Client, "request">;

/** A viem account (`privateKeyToAccount(key)` in Node, `{ address, type: "json-rpc" }` for an injected wallet) or a wallet client with an account. */
export type StoaSigner = Account | WalletClient;

export interface StoaClientConfig {
  /** The node's API base URL, e.g. `http://127.0.0.1:8080`. */
  node?: string | URL;
  /** Reads the chain and sends transactions (with a json-rpc account). */
  provider?: StoaProvider;
  /** Signs sign-in messages, records and transactions. */
  signer?: StoaSigner;
  /** The deployment manifest; when absent, the addresses and chain id the node reports (GET /v1/chain). */
  deployment?: StoaDeploymentInput | StoaDeployment;
  /** The record network id (EIP-712 domains: "stoa-dev"); when absent, the node's (GET /v1/node). */
  network?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** A session token from an earlier `signIn`. */
  sessionToken?: string;
}

/** The session `signIn` opened. */
export interface StoaSession {
  token: string;
  /** Lower case. */
  address: Address;
  /** ISO 8601. */
  expiresAt: string;
}

/** Who signs, reduced to what the actions need. */
export interface StoaSigning {
  address: Address;
  signMessage(message: string): Promise<Hex>;
  signTypedData(typedData: TypedDataDefinition): Promise<Hex>;
}

/** The chain side, once the deployment is known and the provider's chain id checked. */
export interface StoaChain {
  deployment: StoaDeployment;
  chain: Chain;
  publicClient: PublicClient;
  /** When there is a signer: sends transactions from `account`. */
  walletClient?: WalletClient;
  account?: Account;
}

/** The client that every action takes as its first argument. */
export interface StoaBaseClient {
  readonly nodeUrl?: string;
  readonly fetch: typeof fetch;
  readonly signing?: StoaSigning;
  /** Mutable: the session `signIn` opens and `signOut` closes. */
  session?: StoaSession;
  readonly config: StoaClientConfig;
  /** Values fetched once (internal). */
  readonly cache: { network?: Promise<string>; deployment?: Promise<StoaDeployment>; chain?: Promise<StoaChain> };
}

/**
 * A client for the node's API alone: no chain, no signer. Node, record, content and session
 * actions take it (`getNodeInfo(client)`, `queryRecords(client, ...)`); a page that only reads
 * from the node bundles none of viem's wallet and chain clients with it.
 */
export function createNodeClient(config: Pick<StoaClientConfig, "node" | "fetch" | "network">): StoaBaseClient {
  const nodeUrl = config.node === undefined ? undefined : String(config.node).replace(/\/+$/, "");
  return {
    nodeUrl,
    fetch: config.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
    signing: undefined,
    session: undefined,
    config,
    cache: {},
  };
}

/** Keeps the session the node answered (sign-in or renewal) on the client, address lower case. */
export function holdSession(
  client: StoaBaseClient,
  answer: { token: string; address: string; expiresAt: string },
): StoaSession {
  client.session = {
    token: answer.token,
    address: answer.address.toLowerCase() as Address,
    expiresAt: answer.expiresAt,
  };
  return client.session;
}

/** The signer, or SignerRequiredError naming `action`. */
export function requireSigning(client: StoaBaseClient, action: string): StoaSigning {
  if (!client.signing) throw new SignerRequiredError(action);
  return client.signing;
}

/** The record network id: the configured one, or the node's. */
export function networkOf(client: StoaBaseClient): Promise<string> {
  if (client.config.network) return Promise.resolve(client.config.network);
  client.cache.network ??= nodeGet(client, nodeStatusSchema, "/v1/node").then((node) => node.network);
  return client.cache.network;
}
