/**
 * Governance reads. Proposals need the governor's state, so they read the chain: through the
 * connected wallet, or without one through the RPC URL the node reports (the dev chain's is
 * public). React Query caches and refreshes them; pages invalidate ["governance"] after a write.
 */
import { createStoaClient, type StoaClient } from "@stoa/sdk";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { http, type Address } from "viem";
import { NODE_URL } from "../app/config.ts";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";

/** A client that reads the chain: the wallet's when it is on the right chain, else one on the node's RPC URL. */
export function useReadClient(): StoaClient | undefined {
  const { client, wrongChain } = useSession();
  const chain = useChainStatus(false);
  const rpcUrl = chain.data?.rpcUrl;
  const fallback = useMemo(
    () => (rpcUrl ? createStoaClient({ node: NODE_URL, provider: http(rpcUrl) }) : undefined),
    [rpcUrl],
  );
  return client && !wrongChain ? client : fallback;
}

export function useProposals() {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "proposals"],
    enabled: Boolean(reads),
    refetchInterval: 5_000,
    queryFn: ({ signal }) => reads!.getProposals({ limit: 50, signal }),
  });
}

export function useProposal(proposalId: string) {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "proposal", proposalId],
    enabled: Boolean(reads),
    refetchInterval: 3_000,
    queryFn: ({ signal }) => reads!.getProposal({ proposalId, signal }),
  });
}

export function useProposalBody(proposal: { proposalId: string; bodyCid?: string; body?: string } | undefined) {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "body", proposal?.proposalId],
    enabled: Boolean(reads && proposal),
    staleTime: Infinity,
    queryFn: ({ signal }) => reads!.getProposalBody({ proposal: proposal!, signal }),
  });
}

/** The DAO's rules and the registry's parameters (fees, stake). */
export function useDaoSettings() {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "settings"],
    enabled: Boolean(reads),
    refetchInterval: 10_000,
    queryFn: async () => {
      const [settings, params] = await Promise.all([
        reads!.getGovernanceSettings(),
        reads!.readContract({ contract: "registry", functionName: "params" }),
      ]);
      return { ...settings, params };
    },
  });
}

/** The connected account's voting power now and at `timepoint`, and whom it delegates to. */
export function useVotingPower(account: Address | undefined, timepoint?: number) {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "power", account, timepoint],
    enabled: Boolean(reads && account),
    refetchInterval: 5_000,
    queryFn: async () => {
      const [votes, balance, delegatee, atSnapshot] = await Promise.all([
        reads!.getVotes({ account: account! }),
        reads!.getBalance({ account: account! }),
        reads!.getDelegate({ account: account! }),
        timepoint === undefined
          ? Promise.resolve(undefined)
          : reads!.getVotes({ account: account!, timepoint: BigInt(timepoint) }),
      ]);
      return { votes, balance, delegatee, atSnapshot };
    },
  });
}

export function useDelegation(account: Address | undefined) {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "delegation", account],
    enabled: Boolean(reads && account),
    refetchInterval: 5_000,
    queryFn: ({ signal }) => reads!.getDelegation({ account: account!, signal }),
  });
}

export function useDelegates() {
  const reads = useReadClient();
  return useQuery({
    queryKey: ["governance", "delegates"],
    enabled: Boolean(reads),
    refetchInterval: 10_000,
    queryFn: ({ signal }) => reads!.getDelegates({ limit: 100, signal }),
  });
}
