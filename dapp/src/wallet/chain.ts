/** Asking a wallet to use the node's chain: switch to it, or add it first when the wallet does not know it. */
import type { ApiChainStatus } from "@stoa/sdk";
import type { EIP1193Provider } from "viem";

/** EIP-3085/3326 error code: the wallet does not know this chain. */
const UNRECOGNIZED_CHAIN = 4902;

const codeOf = (error: unknown): number | undefined => {
  const data = error as { code?: number; data?: { originalError?: { code?: number } } };
  return data.data?.originalError?.code ?? data.code;
};

export const chainName = (chain: Pick<ApiChainStatus, "chainId" | "mode">): string =>
  chain.mode === "dev" ? `Stoa dev chain (${chain.chainId})` : `Chain ${chain.chainId}`;

/** Switches `provider` to the node's chain, adding it (with the node's RPC URL) when it is unknown. */
export async function switchToChain(provider: EIP1193Provider, chain: ApiChainStatus): Promise<void> {
  const chainId = `0x${chain.chainId.toString(16)}`;
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    if (codeOf(error) !== UNRECOGNIZED_CHAIN) throw error;
    await provider.request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId,
          chainName: chainName(chain),
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: [chain.rpcUrl],
        },
      ],
    });
  }
}
