/**
 * The session with the node: Sign-In with Ethereum through the connected wallet, kept per account
 * in localStorage (so a reload or a return visit stays signed in), renewed before it expires
 * without a new signature, and ended by sign-out. Switching accounts switches sessions: each
 * account has its own, or none.
 */
import { StoaApiError, type StoaClient, type StoaSession } from "@stoa/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { NODE_URL } from "../app/config.ts";
import { putSession } from "../stoa/client-session.ts";
import { useChainStatus } from "../stoa/queries.ts";
import { useWallet, type Connection } from "../wallet/WalletProvider.tsx";

export type SessionStatus = "signed-out" | "checking" | "signing-in" | "signed-in";

interface SessionContextValue {
  /** The client of the connected account (undefined without a wallet, or while the SDK loads). */
  client?: StoaClient;
  connection?: Connection;
  status: SessionStatus;
  session?: StoaSession;
  /** The last sign-in failure or why the session ended, for the header to show. */
  error?: unknown;
  /** The wallet's chain differs from the node's: transactions and sign-in wait for a switch. */
  wrongChain: boolean;
  signIn: () => Promise<StoaClient>;
  signOut: () => Promise<void>;
  /** The client with a live session: signs in first when there is none. */
  ensureSession: () => Promise<StoaClient>;
  /** Call with a failed write's error: a 401 means the node forgot the session (it restarted, or it expired). */
  noteError: (error: unknown) => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

const storageKey = (address: string) => `stoa.session:${NODE_URL}:${address.toLowerCase()}`;
const sessionKey = (address: string | undefined) => ["session", NODE_URL, address?.toLowerCase()] as const;

function loadSession(address: string): StoaSession | undefined {
  try {
    const session = JSON.parse(localStorage.getItem(storageKey(address)) ?? "null") as StoaSession | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

function storeSession(address: string, session: StoaSession | null): void {
  if (session) localStorage.setItem(storageKey(address), JSON.stringify(session));
  else localStorage.removeItem(storageKey(address));
}

/** Renew this long before expiry (or half-way through a shorter session). */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The SDK client of the connection, loaded with the SDK's chain and signing code (its own chunk). */
function useSignedClient(connection: Connection | undefined): StoaClient | undefined {
  const loaded = useQuery({
    queryKey: ["signed-client", connection?.wallet.id, connection?.address, connection?.chainId],
    enabled: Boolean(connection),
    staleTime: Infinity,
    gcTime: 0,
    structuralSharing: false,
    queryFn: async () => (await import("../stoa/signed-client.ts")).createSignedClient(connection!),
  });
  return connection ? loaded.data : undefined;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const { connection } = useWallet();
  const chain = useChainStatus(false);
  const queryClient = useQueryClient();
  const client = useSignedClient(connection);
  const address = connection?.address;
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState<unknown>();

  // The account's stored session, checked with the node once per account and client.
  const stored = useQuery({
    queryKey: sessionKey(address),
    enabled: Boolean(client && address),
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<StoaSession | null> => {
      const session = loadSession(address!);
      if (!session) return null;
      putSession(client!, session);
      try {
        await client!.getSession();
        return session;
      } catch (failure) {
        putSession(client!, undefined);
        if (failure instanceof StoaApiError && failure.status === 401) storeSession(address!, null);
        return null;
      }
    },
  });
  const session = (client && stored.data) || undefined;
  // The client sends the session with every write: a new client (account switched back, chain
  // changed) gets the account's session too.
  useEffect(() => {
    if (client) putSession(client, session);
  }, [client, session]);

  const setSession = useCallback(
    (account: string, next: StoaSession | null) => {
      storeSession(account, next);
      queryClient.setQueryData(sessionKey(account), next);
    },
    [queryClient],
  );

  const drop = useCallback(
    (reason?: unknown) => {
      if (!client || !address) return;
      putSession(client, undefined);
      setSession(address, null);
      setError(reason);
    },
    [client, address, setSession],
  );

  // Renewal: a fresh token before this one expires, without asking the wallet again.
  useEffect(() => {
    if (!client || !session) return;
    const left = Date.parse(session.expiresAt) - Date.now();
    const timer = setTimeout(
      () => {
        client
          .refreshSession()
          .then((renewed) => setSession(renewed.address, renewed))
          .catch(() => drop(new Error("Your session ended. Sign in again to make changes.")));
      },
      Math.max(0, Math.min(left - RENEW_BEFORE_MS, left / 2)),
    );
    return () => clearTimeout(timer);
  }, [client, session, drop, setSession]);

  const signIn = useCallback(async () => {
    if (!client) throw new Error("Connect a wallet to sign in.");
    setSigningIn(true);
    setError(undefined);
    try {
      const opened = await client.signIn();
      setSession(opened.address, opened);
      return client;
    } catch (failure) {
      setError(failure);
      throw failure;
    } finally {
      setSigningIn(false);
    }
  }, [client, setSession]);

  const signOut = useCallback(async () => {
    if (!client || !address) return;
    try {
      await client.signOut();
    } catch {
      // The node may be gone; the session is forgotten here either way.
    }
    setSession(address, null);
    setError(undefined);
  }, [client, address, setSession]);

  const status: SessionStatus = signingIn
    ? "signing-in"
    : session
      ? "signed-in"
      : connection && (!client || stored.isPending)
        ? "checking"
        : "signed-out";

  // A write may start while the connected wallet's client is still loading or its stored session
  // is being checked (just after a page load): it waits for that, rather than failing or asking
  // for a second signature.
  const latest = useRef({ client, session, signIn, checking: true });
  const waiters = useRef<(() => void)[]>([]);
  useLayoutEffect(() => {
    latest.current = { client, session, signIn, checking: status === "checking" };
    if (status !== "checking") for (const wake of waiters.current.splice(0)) wake();
  }, [client, session, signIn, status]);

  const ensureSession = useCallback(async () => {
    if (latest.current.checking) await new Promise<void>((resolve) => waiters.current.push(resolve));
    const { client: ready, session: open, signIn: signInNow } = latest.current;
    if (ready && open) return ready;
    return signInNow();
  }, []);

  const noteError = useCallback(
    (failure: unknown) => {
      if (failure instanceof StoaApiError && failure.status === 401) {
        drop(new Error("The node no longer knows your session. Sign in again, then retry."));
      }
    },
    [drop],
  );

  const wrongChain = Boolean(connection && chain.data && connection.chainId !== chain.data.chainId);
  const value = useMemo(
    () => ({ client, connection, status, session, error, wrongChain, signIn, signOut, ensureSession, noteError }),
    [client, connection, status, session, error, wrongChain, signIn, signOut, ensureSession, noteError],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession needs a <SessionProvider>");
  return value;
}
