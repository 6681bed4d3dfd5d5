/**
 * Wallet discovery: every wallet that announces itself through EIP-6963, and a plain EIP-1193
 * `window.ethereum` that announces nothing (older extensions), as one list.
 */
import { createStore, type EIP6963ProviderDetail } from "mipd";
import { useSyncExternalStore } from "react";
import type { EIP1193Provider } from "viem";

/** What the wallet menu shows about a wallet. */
export interface WalletInfo {
  /** EIP-6963 uuid (per page load), or a fixed id for the other kinds. */
  id: string;
  name: string;
  /** A data: URI (EIP-6963 requires one). */
  icon: string;
  /** Reverse DNS name: remembered to reconnect silently on the next visit. */
  rdns: string;
}

export interface DiscoveredWallet {
  info: WalletInfo;
  provider: EIP1193Provider;
}

const store = createStore();

const GENERIC_ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="2" y="5" width="20" height="15" rx="3" fill="#64748b"/><rect x="14" y="10" width="8" height="5" rx="2" fill="#e2e8f0"/></svg>',
  );

const asWallet = (detail: EIP6963ProviderDetail): DiscoveredWallet => ({
  info: { id: detail.info.uuid, name: detail.info.name, icon: detail.info.icon, rdns: detail.info.rdns },
  provider: detail.provider,
});

let lastDetails: readonly EIP6963ProviderDetail[] | undefined;
let lastWallets: DiscoveredWallet[] = [];

/** The announced wallets, plus `window.ethereum` when it is not one of them. Stable between changes. */
function snapshot(): DiscoveredWallet[] {
  const details = store.getProviders();
  if (details === lastDetails) return lastWallets;
  lastDetails = details;
  const wallets = details.map(asWallet);
  const injected = (window as { ethereum?: EIP1193Provider }).ethereum;
  if (injected && !details.some((detail) => (detail.provider as unknown) === injected)) {
    wallets.push({
      info: { id: "injected", name: "Browser wallet", icon: GENERIC_ICON, rdns: "injected" },
      provider: injected,
    });
  }
  lastWallets = wallets;
  return wallets;
}

const subscribe = (onChange: () => void) => store.subscribe(onChange);

/** Every wallet in this browser, updating as wallets announce themselves. */
export function useDiscoveredWallets(): DiscoveredWallet[] {
  return useSyncExternalStore(subscribe, snapshot);
}

/** The wallet remembered under `rdns`, once it has announced itself. */
export function findWallet(rdns: string): DiscoveredWallet | undefined {
  return snapshot().find((wallet) => wallet.info.rdns === rdns);
}

export { subscribe as subscribeWallets };
