/**
 * The Stoa contract suite, wired together: token, DAO (governor + timelock), staking vault,
 * registry, marketplace, asset exchange, job escrow, certificates and assets.
 *
 * After deployment the timelock holds every privileged role of every contract and the deployer
 * holds none: the deployer creates the timelock as its temporary admin only to hand the proposer
 * and canceller roles to the governor, then renounces it.
 */
import type { ArgumentType, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { id, ZeroAddress } from "ethers";

export const TIMELOCK_ROLES = {
  DEFAULT_ADMIN_ROLE: "0x0000000000000000000000000000000000000000000000000000000000000000",
  PROPOSER_ROLE: id("PROPOSER_ROLE"),
  EXECUTOR_ROLE: id("EXECUTOR_ROLE"),
  CANCELLER_ROLE: id("CANCELLER_ROLE"),
} as const;

/** What differs between deployments (addresses, accounts, futures or module parameters). */
export interface StoaDeploymentOptions {
  /** Receivers of the initial STOA supply and their amounts (token wei). */
  initialHolders: ArgumentType[];
  initialAmounts: ArgumentType[];
  /** ERC-20 tokens accepted as payment from the start (besides ETH). */
  paymentTokens: ArgumentType[];
  /** The first arbiter set and certificate issuers. */
  arbiters: ArgumentType[];
  issuers: ArgumentType[];
  /** Defaults that replace the production ones (module parameters still override both). */
  settings?: Partial<Record<keyof typeof DEFAULT_SETTINGS, bigint>>;
}

/** Production defaults; dev deployments override them with module parameters. */
export const DEFAULT_SETTINGS = {
  supplyCap: 1_000_000_000n * 10n ** 18n,
  timelockMinDelay: 2n * 24n * 3600n,
  votingDelay: 24n * 3600n,
  votingPeriod: 7n * 24n * 3600n,
  proposalThreshold: 10_000n * 10n ** 18n,
  quorumPercent: 4n,
  unbondingPeriod: 14n * 24n * 3600n,
  protocolFeeBps: 100n,
  arbiterFeeBps: 300n,
  minDisputeWindow: 3n * 24n * 3600n,
  maxDeliveryPeriod: 90n * 24n * 3600n,
  rulingPeriod: 14n * 24n * 3600n,
  minArbiterStake: 1_000n * 10n ** 18n,
} as const;

/** Declares the whole suite in module `m`; returns every contract future. */
export function defineStoa(m: IgnitionModuleBuilder, options: StoaDeploymentOptions) {
  const deployer = m.getAccount(0);
  const setting = (name: keyof typeof DEFAULT_SETTINGS) =>
    m.getParameter(name, options.settings?.[name] ?? DEFAULT_SETTINGS[name]);

  // Executors: anyone (address(0)) may execute a proposal once its delay has passed.
  const timelock = m.contract("TimelockController", [setting("timelockMinDelay"), [], [ZeroAddress], deployer]);
  const token = m.contract("StoaToken", [
    timelock,
    setting("supplyCap"),
    options.initialHolders,
    options.initialAmounts,
  ]);
  const governor = m.contract("StoaGovernor", [
    token,
    timelock,
    setting("votingDelay"),
    setting("votingPeriod"),
    setting("proposalThreshold"),
    setting("quorumPercent"),
  ]);
  const stakingVault = m.contract("StakingVault", [token, timelock, setting("unbondingPeriod")]);
  const registry = m.contract("StoaRegistry", [
    timelock,
    stakingVault,
    timelock,
    {
      protocolFeeBps: setting("protocolFeeBps"),
      arbiterFeeBps: setting("arbiterFeeBps"),
      minDisputeWindow: setting("minDisputeWindow"),
      maxDeliveryPeriod: setting("maxDeliveryPeriod"),
      rulingPeriod: setting("rulingPeriod"),
      minArbiterStake: setting("minArbiterStake"),
    },
    options.arbiters,
    options.paymentTokens,
  ]);
  const marketplace = m.contract("Marketplace", [registry]);
  const assetExchange = m.contract("AssetExchange", [registry]);
  const jobEscrow = m.contract("JobEscrow", [registry]);
  const certificates = m.contract("Certificates", [timelock, options.issuers]);
  const stoaAssets = m.contract("StoaAssets", []);

  const grantProposer = m.call(timelock, "grantRole", [TIMELOCK_ROLES.PROPOSER_ROLE, governor], {
    id: "GrantProposerToGovernor",
  });
  const grantCanceller = m.call(timelock, "grantRole", [TIMELOCK_ROLES.CANCELLER_ROLE, governor], {
    id: "GrantCancellerToGovernor",
  });
  m.call(timelock, "renounceRole", [TIMELOCK_ROLES.DEFAULT_ADMIN_ROLE, deployer], {
    id: "DeployerRenouncesTimelockAdmin",
    after: [grantProposer, grantCanceller],
  });

  return {
    timelock,
    token,
    governor,
    stakingVault,
    registry,
    marketplace,
    assetExchange,
    jobEscrow,
    certificates,
    stoaAssets,
  };
}
