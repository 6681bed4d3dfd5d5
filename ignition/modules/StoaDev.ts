/**
 * Local dev chain deployment (chain 31337): the suite plus a dev stablecoin (dUSD) accepted as
 * payment, 100,000 STOA for each of the first ten dev accounts, dev accounts 7-9 as arbiters with
 * their minimum stake deposited, and dev account 6 as certificate issuer. Windows are short so that
 * a person can walk through disputes and votes in minutes.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { defineStoa } from "../suite.ts";

export const DEV_ACCOUNTS = 10;
export const DEV_STOA_EACH = 100_000n * 10n ** 18n;
export const DEV_ARBITERS = [7, 8, 9];
export const DEV_ISSUERS = [6];
export const DEV_MIN_ARBITER_STAKE = 1_000n * 10n ** 18n;

const HOUR = 3600n;
/** Dev windows: one hour for disputes, unbonding and the timelock; one-minute voting delay and
 * one-hour votes; a day to rule. Anything longer makes a local walk-through tedious. */
export const DEV_SETTINGS = {
  timelockMinDelay: HOUR,
  votingDelay: 60n,
  votingPeriod: HOUR,
  proposalThreshold: 1_000n * 10n ** 18n,
  unbondingPeriod: HOUR,
  minDisputeWindow: HOUR,
  maxDeliveryPeriod: 30n * 24n * HOUR,
  rulingPeriod: 24n * HOUR,
  minArbiterStake: DEV_MIN_ARBITER_STAKE,
} as const;

export default buildModule("StoaDev", (m) => {
  const accounts = Array.from({ length: DEV_ACCOUNTS }, (_, i) => m.getAccount(i));
  const devStablecoin = m.contract("DevStablecoin", []);
  const stoa = defineStoa(m, {
    initialHolders: accounts,
    initialAmounts: accounts.map(() => DEV_STOA_EACH),
    paymentTokens: [devStablecoin],
    arbiters: DEV_ARBITERS.map((i) => m.getAccount(i)),
    issuers: DEV_ISSUERS.map((i) => m.getAccount(i)),
    settings: DEV_SETTINGS,
  });

  for (const i of DEV_ARBITERS) {
    const arbiter = m.getAccount(i);
    const approval = m.call(stoa.token, "approve", [stoa.stakingVault, DEV_MIN_ARBITER_STAKE], {
      from: arbiter,
      id: `ArbiterApprove${i}`,
    });
    m.call(stoa.stakingVault, "deposit", [DEV_MIN_ARBITER_STAKE, arbiter], {
      from: arbiter,
      id: `ArbiterStake${i}`,
      after: [approval],
    });
  }
  return { ...stoa, devStablecoin };
});
