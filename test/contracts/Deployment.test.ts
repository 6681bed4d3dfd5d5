/**
 * The deployment (ignition/suite.ts through the StoaDev and Stoa modules): after it the DAO
 * timelock holds every privileged role of every contract and the deployer holds none.
 */
import { expect } from "chai";
import { id, type BaseContract, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";
import StoaModule from "../../ignition/modules/Stoa.ts";
import {
  DEV_ACCOUNTS,
  DEV_ARBITERS,
  DEV_ISSUERS,
  DEV_MIN_ARBITER_STAKE,
  DEV_STOA_EACH,
} from "../../ignition/modules/StoaDev.ts";
import { DEFAULT_SETTINGS, TIMELOCK_ROLES } from "../../ignition/suite.js";
import { StoaRegistry__factory } from "../../types/ethers-contracts/index.js";
import { DEV_PARAMETERS, deployStoa, devAccounts, type Stoa } from "../helpers/stoa.ts";

const ROLES = {
  DEFAULT_ADMIN_ROLE: ZeroHash,
  MINTER_ROLE: id("MINTER_ROLE"),
  SLASHER_ROLE: id("SLASHER_ROLE"),
  ISSUER_ROLE: id("ISSUER_ROLE"),
  PROPOSER_ROLE: TIMELOCK_ROLES.PROPOSER_ROLE,
  EXECUTOR_ROLE: TIMELOCK_ROLES.EXECUTOR_ROLE,
  CANCELLER_ROLE: TIMELOCK_ROLES.CANCELLER_ROLE,
} as const;
type RoleName = keyof typeof ROLES;
const ROLE_NAMES = new Map<string, RoleName>(Object.entries(ROLES).map(([name, role]) => [role, name as RoleName]));

const PRODUCTION_SUPPLY = 100_000_000n * 10n ** 18n;

const dev = await network.create();
const production = await network.create();

async function devDeployment() {
  const stoa = await deployStoa(dev);
  const a = await devAccounts(dev.ethers);
  return { stoa, a, ethers: dev.ethers };
}

async function productionDeployment() {
  const { ethers } = production;
  const a = await devAccounts(ethers);
  // The treasury multisig (or distribution contract) that receives the initial supply.
  const initialHolder = a.other.address;
  const deployed = await production.ignition.deploy(StoaModule, { parameters: { Stoa: { initialHolder } } });
  const stoa = deployed as unknown as Omit<Stoa, "devStablecoin">;
  return { stoa, a, ethers, initialHolder };
}

type Account = Awaited<ReturnType<typeof devAccounts>>["deployer"];
type Suite = Omit<Stoa, "devStablecoin"> & { devStablecoin?: Stoa["devStablecoin"] };

/** Every contract of the suite with a name. */
function contractsOf(stoa: Suite): [string, BaseContract][] {
  return Object.entries(stoa).flatMap(([name, contract]): [string, BaseContract][] =>
    contract === undefined ? [] : [[name, contract as BaseContract]],
  );
}

/** The `*_ROLE` constants a contract's ABI declares, by name. */
async function roleConstants(contract: BaseContract): Promise<Map<RoleName, string>> {
  const roles = new Map<RoleName, string>();
  for (const fragment of contract.interface.fragments) {
    if (fragment.type !== "function") continue;
    const name = (fragment as unknown as { name: string; inputs: unknown[] }).name;
    const inputs = (fragment as unknown as { inputs: unknown[] }).inputs;
    if (!name.endsWith("_ROLE") || inputs.length !== 0) continue;
    const value = (await contract.getFunction(name).staticCall()) as string;
    expect(ROLES[name as RoleName], `${name} is a known role`).to.equal(value);
    roles.set(name as RoleName, value);
  }
  return roles;
}

/** AccessControl's functions and events, shared by every contract that has roles. */
function accessControl(contract: BaseContract) {
  return StoaRegistry__factory.connect(contract.target as string, contract.runner);
}

interface Grant {
  role: RoleName;
  account: string;
}

/** Every RoleGranted of `contract` since genesis, and the holders left after every RoleRevoked. */
async function roleHistory(contract: BaseContract) {
  const roles = accessControl(contract);
  const granted = await roles.queryFilter(roles.filters.RoleGranted(), 0);
  const revoked = await roles.queryFilter(roles.filters.RoleRevoked(), 0);
  const events = [
    ...granted.map((log) => ({ log, grant: true })),
    ...revoked.map((log) => ({ log, grant: false })),
  ].sort((x, y) => x.log.blockNumber - y.log.blockNumber || x.log.index - y.log.index);
  const holders = new Set<string>();
  const everGranted: Grant[] = [];
  const revocations: Grant[] = [];
  for (const { log, grant } of events) {
    const role = ROLE_NAMES.get(log.args.role);
    expect(role, `role ${log.args.role} is known`).to.not.equal(undefined);
    const entry = { role: role!, account: log.args.account };
    const key = `${entry.role} ${entry.account}`;
    if (grant) {
      everGranted.push(entry);
      holders.add(key);
    } else {
      revocations.push(entry);
      holders.delete(key);
    }
  }
  return { everGranted, revocations, holders: [...holders].sort() };
}

function grantKeys(grants: [RoleName, string][]): string[] {
  return grants.map(([role, account]) => `${role} ${account}`).sort();
}

/** What every deployment must satisfy, dev or production. */
async function expectTimelockHoldsEveryRole(stoa: Suite, deployerSigner: Account, extraIssuers: string[]) {
  const deployer = deployerSigner.address;
  const timelock = await stoa.timelock.getAddress();
  const governor = await stoa.governor.getAddress();
  const expectedRoles: Record<string, RoleName[]> = {
    timelock: ["CANCELLER_ROLE", "DEFAULT_ADMIN_ROLE", "EXECUTOR_ROLE", "PROPOSER_ROLE"],
    token: ["DEFAULT_ADMIN_ROLE", "MINTER_ROLE"],
    stakingVault: ["DEFAULT_ADMIN_ROLE", "SLASHER_ROLE"],
    registry: ["DEFAULT_ADMIN_ROLE"],
    certificates: ["DEFAULT_ADMIN_ROLE", "ISSUER_ROLE"],
  };
  // The final role holders each contract must have, and nobody else.
  const expectedHolders: Record<string, [RoleName, string][]> = {
    timelock: [
      ["DEFAULT_ADMIN_ROLE", timelock],
      ["PROPOSER_ROLE", governor],
      ["CANCELLER_ROLE", governor],
      ["EXECUTOR_ROLE", ZeroAddress],
    ],
    token: [
      ["DEFAULT_ADMIN_ROLE", timelock],
      ["MINTER_ROLE", timelock],
    ],
    stakingVault: [
      ["DEFAULT_ADMIN_ROLE", timelock],
      ["SLASHER_ROLE", timelock],
    ],
    registry: [["DEFAULT_ADMIN_ROLE", timelock]],
    certificates: [
      ["DEFAULT_ADMIN_ROLE", timelock],
      ...extraIssuers.map((issuer): [RoleName, string] => ["ISSUER_ROLE", issuer]),
    ],
  };

  for (const [name, contract] of contractsOf(stoa)) {
    const roles = await roleConstants(contract);
    expect([...roles.keys()].sort(), `${name}'s role constants`).to.deep.equal(expectedRoles[name] ?? []);
    // Contracts without roles have no owner either: nobody is privileged in them.
    expect(contract.interface.getFunction("owner"), `${name} has no owner()`).to.equal(null);
    if (roles.size === 0) {
      expect(contract.interface.getFunction("hasRole"), `${name} has no roles`).to.equal(null);
      continue;
    }
    const control = accessControl(contract);
    for (const [roleName, role] of roles) {
      expect(await control.hasRole(role, deployer), `deployer holds ${name}.${roleName}`).to.equal(false);
      // Every role is administered by DEFAULT_ADMIN_ROLE, which the timelock holds.
      expect(await control.getRoleAdmin(role), `${name}.${roleName}'s admin role`).to.equal(ROLES.DEFAULT_ADMIN_ROLE);
    }
    expect(await control.hasRole(ROLES.DEFAULT_ADMIN_ROLE, timelock), `timelock administers ${name}`).to.equal(true);
    for (const [roleName, holder] of expectedHolders[name]!) {
      expect(await control.hasRole(ROLES[roleName], holder), `${holder} holds ${name}.${roleName}`).to.equal(true);
    }
    // The deployer cannot hand itself (or anyone) a role.
    await expect(control.connect(deployerSigner).grantRole(ROLES.DEFAULT_ADMIN_ROLE, deployer))
      .to.be.revertedWithCustomError(control, "AccessControlUnauthorizedAccount")
      .withArgs(deployer, ROLES.DEFAULT_ADMIN_ROLE);

    // Walk every RoleGranted / RoleRevoked since genesis.
    const history = await roleHistory(contract);
    expect(history.holders, `${name}'s role holders`).to.deep.equal(grantKeys(expectedHolders[name]!));
    if (name === "timelock") {
      // The deployer was the timelock's temporary admin, only to hand the governor its roles.
      expect(grantKeys(history.everGranted.map((g) => [g.role, g.account]))).to.deep.equal(
        grantKeys([...expectedHolders.timelock!, ["DEFAULT_ADMIN_ROLE", deployer]]),
      );
      expect(history.revocations).to.deep.equal([{ role: "DEFAULT_ADMIN_ROLE", account: deployer }]);
    } else {
      expect(grantKeys(history.everGranted.map((g) => [g.role, g.account])), `${name}'s grants`).to.deep.equal(
        grantKeys(expectedHolders[name]!),
      );
      expect(history.revocations, `${name}'s revocations`).to.deep.equal([]);
    }
  }
}

/** Wiring that both deployments share. */
async function expectWiring(stoa: Suite) {
  const timelock = await stoa.timelock.getAddress();
  const registry = await stoa.registry.getAddress();
  expect(await stoa.registry.stakingVault()).to.equal(await stoa.stakingVault.getAddress());
  expect(await stoa.registry.treasury()).to.equal(timelock);
  expect(await stoa.marketplace.registry()).to.equal(registry);
  expect(await stoa.assetExchange.registry()).to.equal(registry);
  expect(await stoa.jobEscrow.registry()).to.equal(registry);
  expect(await stoa.governor.token()).to.equal(await stoa.token.getAddress());
  expect(await stoa.governor.timelock()).to.equal(timelock);
  expect(await stoa.stakingVault.asset()).to.equal(await stoa.token.getAddress());
  expect(await stoa.token.cap()).to.equal(DEFAULT_SETTINGS.supplyCap);
  expect(await stoa.governor["quorumNumerator()"]()).to.equal(DEFAULT_SETTINGS.quorumPercent);
  const params = await stoa.registry.params();
  expect(params.protocolFeeBps).to.equal(DEFAULT_SETTINGS.protocolFeeBps);
  expect(params.arbiterFeeBps).to.equal(DEFAULT_SETTINGS.arbiterFeeBps);
  expect(params.minArbiterStake).to.equal(DEFAULT_SETTINGS.minArbiterStake);
}

describe("Deployment", function () {
  describe("StoaDev (deployStoa)", function () {
    it("leaves every privileged role to the timelock and none to the deployer", async function () {
      const { stoa, a, ethers } = await dev.networkHelpers.loadFixture(devDeployment);
      const signers = await ethers.getSigners();
      const issuers = DEV_ISSUERS.map((i) => signers[i]!.address);
      expect(issuers).to.deep.equal([a.issuer.address]);
      await expectTimelockHoldsEveryRole(stoa, a.deployer, issuers);
    });

    it("no dev account holds a privileged role but the dev issuer's ISSUER_ROLE", async function () {
      const { stoa, ethers } = await dev.networkHelpers.loadFixture(devDeployment);
      const signers = await ethers.getSigners();
      for (const [name, contract] of contractsOf(stoa)) {
        const roles = await roleConstants(contract);
        if (roles.size === 0) continue;
        const control = accessControl(contract);
        for (const [index, signer] of signers.entries()) {
          for (const [roleName, role] of roles) {
            const expected = name === "certificates" && roleName === "ISSUER_ROLE" && DEV_ISSUERS.includes(index);
            expect(await control.hasRole(role, signer.address), `account ${index} ${name}.${roleName}`).to.equal(
              expected,
            );
          }
        }
      }
    });

    it("the governor is the timelock's only proposer and canceller; anyone may execute; the timelock administers itself", async function () {
      const { stoa, a } = await dev.networkHelpers.loadFixture(devDeployment);
      const { timelock } = stoa;
      const governor = await stoa.governor.getAddress();
      expect(await timelock.hasRole(ROLES.PROPOSER_ROLE, governor)).to.equal(true);
      expect(await timelock.hasRole(ROLES.CANCELLER_ROLE, governor)).to.equal(true);
      expect(await timelock.hasRole(ROLES.EXECUTOR_ROLE, ZeroAddress)).to.equal(true);
      expect(await timelock.hasRole(ROLES.DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
      expect(await timelock.hasRole(ROLES.DEFAULT_ADMIN_ROLE, governor)).to.equal(false);
      expect(await timelock.hasRole(ROLES.EXECUTOR_ROLE, governor)).to.equal(false);
      expect(await timelock.getMinDelay()).to.equal(DEV_PARAMETERS.timelockMinDelay);
      // The deployer cannot schedule anything.
      await expect(
        timelock
          .connect(a.deployer)
          .schedule(ZeroAddress, 0n, "0x", ZeroHash, ZeroHash, DEV_PARAMETERS.timelockMinDelay),
      )
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(a.deployer.address, ROLES.PROPOSER_ROLE);
    });

    it("wires the registry, escrows, governor and vault together with the dev windows", async function () {
      const { stoa } = await dev.networkHelpers.loadFixture(devDeployment);
      await expectWiring(stoa);
      expect(await stoa.governor.votingDelay()).to.equal(DEV_PARAMETERS.votingDelay);
      expect(await stoa.governor.votingPeriod()).to.equal(DEV_PARAMETERS.votingPeriod);
      expect(await stoa.governor.proposalThreshold()).to.equal(DEV_PARAMETERS.proposalThreshold);
      expect(await stoa.stakingVault.unbondingPeriod()).to.equal(DEV_PARAMETERS.unbondingPeriod);
      const params = await stoa.registry.params();
      expect(params.minDisputeWindow).to.equal(DEV_PARAMETERS.minDisputeWindow);
      expect(params.maxDeliveryPeriod).to.equal(DEV_PARAMETERS.maxDeliveryPeriod);
      expect(params.rulingPeriod).to.equal(DEV_PARAMETERS.rulingPeriod);
    });

    it("accepts dUSD, gives each dev account 100,000 STOA and stakes the minimum for arbiters 7-9", async function () {
      const { stoa, ethers } = await dev.networkHelpers.loadFixture(devDeployment);
      const signers = await ethers.getSigners();
      expect(await stoa.registry.isPaymentToken(await stoa.devStablecoin.getAddress())).to.equal(true);
      expect(await stoa.token.totalSupply()).to.equal(DEV_STOA_EACH * BigInt(DEV_ACCOUNTS));
      const arbiters = DEV_ARBITERS.map((i) => signers[i]!.address);
      expect([...(await stoa.registry.arbiters())].sort()).to.deep.equal([...arbiters].sort());
      for (const [index, signer] of signers.slice(0, DEV_ACCOUNTS).entries()) {
        const isArbiter = DEV_ARBITERS.includes(index);
        expect(await stoa.registry.isArbiter(signer.address)).to.equal(isArbiter);
        expect(await stoa.stakingVault.arbiterStake(signer.address)).to.equal(isArbiter ? DEV_MIN_ARBITER_STAKE : 0n);
        expect(await stoa.token.balanceOf(signer.address)).to.equal(
          DEV_STOA_EACH - (isArbiter ? DEV_MIN_ARBITER_STAKE : 0n),
        );
        if (isArbiter) await stoa.registry.requireActiveArbiter(signer.address);
      }
      expect(await stoa.token.balanceOf(await stoa.stakingVault.getAddress())).to.equal(
        BigInt(DEV_ARBITERS.length) * DEV_MIN_ARBITER_STAKE,
      );
    });
  });

  describe("Stoa (production module)", function () {
    it("leaves every privileged role to the timelock and none to the deployer", async function () {
      const { stoa, a } = await production.networkHelpers.loadFixture(productionDeployment);
      await expectTimelockHoldsEveryRole(stoa, a.deployer, []);
    });

    it("mints the initial supply to initialHolder; no arbiters, payment tokens or issuers; production windows", async function () {
      const { stoa, a, initialHolder } = await production.networkHelpers.loadFixture(productionDeployment);
      await expectWiring(stoa);
      expect(await stoa.token.totalSupply()).to.equal(PRODUCTION_SUPPLY);
      expect(await stoa.token.balanceOf(initialHolder)).to.equal(PRODUCTION_SUPPLY);
      expect(await stoa.token.balanceOf(a.deployer.address)).to.equal(0n);
      expect(await stoa.registry.arbiters()).to.deep.equal([]);
      expect(await stoa.registry.isPaymentToken(ZeroAddress)).to.equal(true);
      expect(await stoa.registry.isPaymentToken(await stoa.token.getAddress())).to.equal(false);
      expect(await stoa.timelock.getMinDelay()).to.equal(DEFAULT_SETTINGS.timelockMinDelay);
      expect(await stoa.governor.votingDelay()).to.equal(DEFAULT_SETTINGS.votingDelay);
      expect(await stoa.governor.votingPeriod()).to.equal(DEFAULT_SETTINGS.votingPeriod);
      expect(await stoa.governor.proposalThreshold()).to.equal(DEFAULT_SETTINGS.proposalThreshold);
      expect(await stoa.stakingVault.unbondingPeriod()).to.equal(DEFAULT_SETTINGS.unbondingPeriod);
      const params = await stoa.registry.params();
      expect(params.minDisputeWindow).to.equal(DEFAULT_SETTINGS.minDisputeWindow);
      expect(params.maxDeliveryPeriod).to.equal(DEFAULT_SETTINGS.maxDeliveryPeriod);
      expect(params.rulingPeriod).to.equal(DEFAULT_SETTINGS.rulingPeriod);
    });
  });
});
