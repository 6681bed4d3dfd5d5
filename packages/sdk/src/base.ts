/**
 * The client every action takes first: where the node is, the chain (a provider), who signs (a
 * signer), the deployment, and the session that `signIn` opens. Values that come from the node
 * or the chain (network id, deployment, chain id check) are fetched once, when first needed.
 */
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type Account,
  type Address,
  type Chain,
  type Client,
  type EIP1193Provider,
  type Hex,
  type PublicClient,
  type Transport,
  type TypedDataDefinition,
  type WalletClient,
} from "viem";
import { parseDeployment, type StoaDeployment, type StoaDeploymentInput } from "./deployment.ts";
import { ChainMismatchError, ProviderRequiredError, SignerRequiredError } from "./errors.ts";
import { nodeGet } from "./http.ts";
import { chainStatusSchema, nodeStatusSchema } from "@stoa/protocol/api";

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

const isTransport = (provider: StoaProvider): provider is Transport => typeof provider === "function";
const isWalletClient = (signer: StoaSigner): signer is WalletClient => "request" in signer && "transport" in signer;

function transportOf(provider: StoaProvider | undefined): Transport | undefined {
  if (!provider) return undefined;
  return isTransport(provider) ? provider : custom(provider as EIP1193Provider);
}

/** A transport that refuses: local accounts sign without one, anything else needs a provider. */
const noTransport = (action: string) =>
  custom({
    request: () => Promise.reject(new ProviderRequiredError(action)),
  });

function signingOf(config: StoaClientConfig): StoaSigning | undefined {
  const { signer } = config;
  if (!signer) return undefined;
  let wallet: WalletClient;
  if (isWalletClient(signer)) {
    wallet = signer;
  } else if (signer.type === "local") {
    const account = signer;
    return {
      address: account.address,
      signMessage: (message) => account.signMessage({ message }),
      signTypedData: (typedData) => account.signTypedData(typedData),
    };
  } else {
    wallet = createWalletClient({
      account: signer,
      transport: transportOf(config.provider) ?? noTransport("signing"),
    });
  }
  const account = wallet.account;
  if (!account) throw new SignerRequiredError("a wallet client without an account");
  return {
    address: account.address,
    signMessage: (message) => wallet.signMessage({ account, message }),
    signTypedData: (typedData) => wallet.signTypedData({ account, ...typedData }),
  };
}

/** A client without bound actions: what `createStoaClient` builds on, and what actions take. */
export function createBaseClient(config: StoaClientConfig): StoaBaseClient {
  const nodeUrl = config.node === undefined ? undefined : String(config.node).replace(/\/+$/, "");
  return {
    nodeUrl,
    fetch: config.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)),
    signing: signingOf(config),
    session: undefined,
    config,
    cache: {},
  };
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

/** The deployment: the configured manifest (validated), or the chain id and addresses the node reports. */
export function deploymentOf(client: StoaBaseClient): Promise<StoaDeployment> {
  const { deployment } = client.config;
  client.cache.deployment ??= deployment
    ? Promise.resolve().then(() => parseDeployment(deployment))
    : nodeGet(client, chainStatusSchema, "/v1/chain").then(parseDeployment);
  return client.cache.deployment;
}

/** The chain clients, once the provider's chain id matched the deployment's (ChainMismatchError otherwise). */
export function chainOf(client: StoaBaseClient, action: string): Promise<StoaChain> {
  const { provider, signer } = client.config;
  const wallet = signer && isWalletClient(signer) ? signer : undefined;
  const transport = transportOf(provider) ?? (wallet ? custom(wallet) : undefined);
  if (!transport) return Promise.reject(new ProviderRequiredError(action));
  const started = (client.cache.chain ??= (async () => {
    const deployment = await deploymentOf(client);
    const chain = defineChain({
      id: deployment.chainId,
      name: `chain ${deployment.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [] } },
    });
    const publicClient = createPublicClient({ chain, transport });
    const actual = await publicClient.getChainId();
    if (actual !== deployment.chainId) throw new ChainMismatchError(deployment.chainId, actual);
    let walletClient: WalletClient | undefined;
    let account: Account | undefined;
    if (wallet) {
      walletClient = wallet;
      account = wallet.account;
    } else if (signer) {
      account = signer as Account;
      walletClient = createWalletClient({ account, chain, transport });
    }
    return { deployment, chain, publicClient: publicClient, walletClient, account };
  })());
  // A failure is not kept: the next call tries again (the wallet may have switched chains).
  started.catch(() => {
    if (client.cache.chain === started) client.cache.chain = undefined;
  });
  return started;
}
