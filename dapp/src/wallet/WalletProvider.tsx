/**
 * The wallet connection, for the whole app: connect an injected wallet (EIP-6963 or plain
 * EIP-1193) or the dev wallet, follow account and chain changes, disconnect, and reconnect
 * silently on the next visit to the wallet used last (without a prompt: `eth_accounts`).
 */
import type { StoaProvider, StoaSigner } from "@stoa/sdk";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Address, EIP1193Provider } from "viem";
import { useChainStatus } from "../stoa/queries.ts";
import { switchToChain } from "./chain.ts";
import { findWallet, subscribeWallets, type DiscoveredWallet, type WalletInfo } from "./discovery.ts";

export interface Connection {
  kind: "injected" | "dev";
  wallet: WalletInfo;
  /** Lower case. */
  address: Address;
  chainId: number;
  /** For the SDK: the wallet's EIP-1193 provider, or the dev chain's RPC. */
  provider: StoaProvider;
  /** For the SDK: the wallet's account (it signs), or the dev account (signs in the page). */
  signer: StoaSigner;
  /** Injected wallets only: to ask for another chain. */
  eip1193?: EIP1193Provider;
}

interface WalletContextValue {
  connection?: Connection;
  /** The wallet being connected (its prompt is open). */
  connecting?: WalletInfo;
  /** Why the last connect failed. */
  error?: unknown;
  connect: (wallet: DiscoveredWallet) => Promise<void>;
  connectDev: (index: number) => Promise<void>;
  disconnect: () => void;
  /** Asks the connected wallet to switch to (or add) the node's chain. */
  switchChain: () => Promise<void>;
}

const WalletContext = createContext<WalletContextValue | undefined>(undefined);

const REMEMBER_KEY = "stoa.wallet";
type Remembered = { rdns: string } | { dev: number };

function remembered(): Remembered | undefined {
  try {
    return JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? "null") as Remembered | undefined;
  } catch {
    return undefined;
  }
}

const DEV_ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="2" y="2" width="20" height="20" rx="4" fill="#b45309"/><path d="M7 8l4 4-4 4M13 16h4" stroke="#fff" stroke-width="2" fill="none"/></svg>',
  );

/** The wallet's first account, lower case (the SDK checksums where a message needs it); a malformed one is refused. */
function firstAccount(accounts: readonly string[]): Address | undefined {
  const account = accounts[0]?.toLowerCase();
  if (account === undefined) return undefined;
  if (!/^0x[0-9a-f]{40}$/.test(account)) throw new Error(`the wallet answered an invalid account: ${account}`);
  return account as Address;
}

export function WalletProvider({ children }: { children: ReactNode }) {
  const [connection, setConnection] = useState<Connection>();
  const [connecting, setConnecting] = useState<WalletInfo>();
  const [error, setError] = useState<unknown>();
  const chain = useChainStatus(false);
  /** Removes the listeners of the injected wallet in use. */
  const detach = useRef<() => void>(undefined);

  const attach = useCallback((wallet: DiscoveredWallet, address: Address, chainId: number) => {
    const { provider, info } = wallet;
    detach.current?.();
    const onAccounts = (accounts: string[]) => {
      const next = firstAccount(accounts);
      if (!next) {
        detach.current?.();
        setConnection(undefined);
        return;
      }
      setConnection((current) =>
        current && current.wallet.id === info.id
          ? { ...current, address: next, signer: { address: next, type: "json-rpc" } }
          : current,
      );
    };
    const onChain = (hex: string) =>
      setConnection((current) =>
        current && current.wallet.id === info.id ? { ...current, chainId: Number(hex) } : current,
      );
    const onDisconnect = () => {
      detach.current?.();
      setConnection(undefined);
    };
    provider.on("accountsChanged", onAccounts);
    provider.on("chainChanged", onChain);
    provider.on("disconnect", onDisconnect);
    detach.current = () => {
      provider.removeListener("accountsChanged", onAccounts);
      provider.removeListener("chainChanged", onChain);
      provider.removeListener("disconnect", onDisconnect);
      detach.current = undefined;
    };
    setConnection({
      kind: "injected",
      wallet: info,
      address,
      chainId,
      provider,
      signer: { address, type: "json-rpc" },
      eip1193: provider,
    });
  }, []);

  const connect = useCallback(
    async (wallet: DiscoveredWallet) => {
      setConnecting(wallet.info);
      setError(undefined);
      try {
        const accounts = await wallet.provider.request({ method: "eth_requestAccounts" });
        const address = firstAccount(accounts);
        if (!address) throw new Error(`${wallet.info.name} shared no account`);
        const chainId = Number(await wallet.provider.request({ method: "eth_chainId" }));
        attach(wallet, address, chainId);
        localStorage.setItem(REMEMBER_KEY, JSON.stringify({ rdns: wallet.info.rdns } satisfies Remembered));
      } catch (failure) {
        setError(failure);
      } finally {
        setConnecting(undefined);
      }
    },
    [attach],
  );

  const rpcUrl = chain.data?.mode === "dev" ? chain.data.rpcUrl : undefined;

  const connectDev = useCallback(
    async (index: number) => {
      if (!rpcUrl) throw new Error("the dev wallet needs a node that runs the dev chain");
      const info: WalletInfo = { id: `dev-${index}`, name: `Dev account #${index}`, icon: DEV_ICON, rdns: "dev" };
      setConnecting(info);
      setError(undefined);
      try {
        const { createDevWallet } = await import("./dev-wallet.ts");
        const { account, transport, chainId } = await createDevWallet(index, rpcUrl);
        detach.current?.();
        setConnection({
          kind: "dev",
          wallet: info,
          address: account.address,
          chainId,
          provider: transport,
          signer: account,
        });
        localStorage.setItem(REMEMBER_KEY, JSON.stringify({ dev: index } satisfies Remembered));
      } catch (failure) {
        setError(failure);
      } finally {
        setConnecting(undefined);
      }
    },
    [rpcUrl],
  );

  const disconnect = useCallback(() => {
    const eip1193 = connection?.eip1193;
    detach.current?.();
    setConnection(undefined);
    setError(undefined);
    localStorage.removeItem(REMEMBER_KEY);
    // Wallets that support EIP-2255 forget the permission too; the others ignore it.
    eip1193
      ?.request({ method: "wallet_revokePermissions", params: [{ eth_accounts: {} }] } as never)
      .catch(() => undefined);
  }, [connection]);

  const switchChain = useCallback(async () => {
    if (!connection?.eip1193 || !chain.data) return;
    await switchToChain(connection.eip1193, chain.data);
    const chainId = Number(await connection.eip1193.request({ method: "eth_chainId" }));
    setConnection((current) => (current ? { ...current, chainId } : current));
  }, [connection, chain.data]);

  // Reconnect silently to the wallet used last: eth_accounts never opens a prompt.
  const restoring = useRef(false);
  useEffect(() => {
    const last = remembered();
    if (!last || connection || restoring.current) return;
    if ("dev" in last) {
      if (!rpcUrl) return;
      restoring.current = true;
      void Promise.resolve(last.dev).then(connectDev);
      return;
    }
    const tryRestore = () => {
      const wallet = findWallet(last.rdns);
      if (!wallet || restoring.current) return;
      restoring.current = true;
      void Promise.all([
        wallet.provider.request({ method: "eth_accounts" }),
        wallet.provider.request({ method: "eth_chainId" }),
      ])
        .then(([accounts, chainId]) => {
          const address = firstAccount(accounts);
          if (address) attach(wallet, address, Number(chainId));
        })
        .catch(() => undefined);
    };
    tryRestore();
    return subscribeWallets(tryRestore);
  }, [attach, connectDev, connection, rpcUrl]);

  useEffect(() => () => detach.current?.(), []);

  const value = useMemo(
    () => ({ connection, connecting, error, connect, connectDev, disconnect, switchChain }),
    [connection, connecting, error, connect, connectDev, disconnect, switchChain],
  );
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

export function useWallet(): WalletContextValue {
  const value = useContext(WalletContext);
  if (!value) throw new Error("useWallet needs a <WalletProvider>");
  return value;
}
