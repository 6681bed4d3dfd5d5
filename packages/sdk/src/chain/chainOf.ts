/**
 * The chain side of a client, fetched once when first needed: the deployment (configured, or what
 * the node reports) and the viem clients on the provider once its chain id matched. Apart from
 * base.ts so that the node-only actions do not carry viem's chain clients or the ABIs.
 */
import { createPublicClient, createWalletClient, custom, defineChain, type Account, type WalletClient } from "viem";
import { chainStatusSchema } from "@stoa/protocol/api";
import type { StoaBaseClient, StoaChain } from "../base.ts";
import { isWalletClient, transportOf } from "../wallet.ts";
import { parseDeployment, type StoaDeployment } from "../deployment.ts";
import { ChainMismatchError, ProviderRequiredError } from "../errors.ts";
import { nodeGet } from "../http.ts";

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
