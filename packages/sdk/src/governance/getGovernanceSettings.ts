import type { StoaBaseClient } from "../base.ts";
import { readContract } from "../chain/readContract.ts";

export type GetGovernanceSettingsReturnType = {
  /** Seconds between a proposal and the start of its vote. */
  votingDelay: bigint;
  /** Seconds a vote lasts. */
  votingPeriod: bigint;
  /** Voting power needed to propose (STOA wei). */
  proposalThreshold: bigint;
  /** Share of the supply (percent) that must vote for or abstain. */
  quorumPercent: bigint;
  /** Seconds between queueing and executing (the timelock's minimum delay). */
  timelockDelay: bigint;
};

/** The DAO's rules, read from the governor and the timelock. */
export async function getGovernanceSettings(client: StoaBaseClient): Promise<GetGovernanceSettingsReturnType> {
  const [votingDelay, votingPeriod, proposalThreshold, quorumPercent, timelockDelay] = await Promise.all([
    readContract(client, { contract: "governor", functionName: "votingDelay" }),
    readContract(client, { contract: "governor", functionName: "votingPeriod" }),
    readContract(client, { contract: "governor", functionName: "proposalThreshold" }),
    readContract(client, { contract: "governor", functionName: "quorumNumerator" }),
    readContract(client, { contract: "timelock", functionName: "getMinDelay" }),
  ]);
  return { votingDelay, votingPeriod, proposalThreshold, quorumPercent, timelockDelay };
}
