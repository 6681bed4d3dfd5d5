/**
 * How a client reaches the chain and who signs: EIP-1193 providers, viem transports and clients,
 * local and json-rpc accounts. Apart from base.ts so that node-only clients (`createNodeClient`)
 * carry none of viem's wallet code.
 */
import { createWalletClient, custom, type EIP1193Provider, type Transport, type WalletClient } from "viem";
import {
  createNodeClient,
  type StoaBaseClient,
  type StoaClientConfig,
  type StoaProvider,
  type StoaSigner,
  type StoaSigning,
} from "./base.ts";
import { ProviderRequiredError, SignerRequiredError } from "./errors.ts";

export const isTransport = (provider: StoaProvider): provider is Transport => typeof provider === "function";
export const isWalletClient = (signer: StoaSigner): signer is WalletClient =>
  "request" in signer && "transport" in signer;

export function transportOf(provider: StoaProvider | undefined): Transport | undefined {
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
  return { ...createNodeClient(config), signing: signingOf(config), config };
}
