import { expect } from "chai";
import { id, keccak256, parseEther, Signature, toBeHex, toUtf8Bytes, ZeroAddress, ZeroHash } from "ethers";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { DEV_ACCOUNTS, DEV_MIN_ARBITER_STAKE, DEV_STOA_EACH } from "../../ignition/modules/StoaDev.ts";
import { DEFAULT_SETTINGS } from "../../ignition/suite.js";
import { createdOrder, DAY, DEV_PARAMETERS, deployStoa, devAccounts, type Stoa } from "../helpers/stoa.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** IGovernor.ProposalState */
const State = {
  Pending: 0n,
  Active: 1n,
  Canceled: 2n,
  Defeated: 3n,
  Succeeded: 4n,
  Queued: 5n,
  Expired: 6n,
  Executed: 7n,
} as const;
/** TimelockController.OperationState.Ready */
const OPERATION_READY = 2n;
const Vote = { Against: 0n, For: 1n, Abstain: 2n } as const;

const TOTAL_SUPPLY = DEV_STOA_EACH * BigInt(DEV_ACCOUNTS);
const VOTING_DELAY = DEV_PARAMETERS.votingDelay;
const VOTING_PERIOD = DEV_PARAMETERS.votingPeriod;
const TIMELOCK_DELAY = DEV_PARAMETERS.timelockMinDelay;
const THRESHOLD = DEV_PARAMETERS.proposalThreshold;
/** Dev accounts 7-9 staked 1,000 STOA each in the vault. */
const ARBITER_BALANCE = DEV_STOA_EACH - DEV_MIN_ARBITER_STAKE;

/** The bitmap of proposal (or operation) states that Governor / TimelockController errors carry. */
function bitmap(...states: bigint[]): string {
  return toBeHex(
    states.reduce((mask, state) => mask | (1n << state), 0n),
    32,
  );
}

interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
  descriptionHash: string;
  id: bigint;
}

async function deployed() {
  const stoa = await deployStoa(connection);
  const a = await devAccounts(ethers);
  return { stoa, a };
}

/** The dev suite where the buyer, seller, other, creator, worker and arbiter delegated to themselves. */
async function delegated() {
  const { stoa, a } = await deployed();
  for (const voter of [a.buyer, a.seller, a.other, a.creator, a.worker, a.arbiter]) {
    await stoa.token.connect(voter).delegate(voter.address);
  }
  await time.increase(1);
  return { stoa, a };
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

async function proposalOf(
  stoa: Stoa,
  actions: { target: string; value?: bigint; data: string }[],
  description: string,
): Promise<Proposal> {
  const targets = actions.map((action) => action.target);
  const values = actions.map((action) => action.value ?? 0n);
  const calldatas = actions.map((action) => action.data);
  const descriptionHash = id(description);
  const proposalId = await stoa.governor.hashProposal(targets, values, calldatas, descriptionHash);
  return { targets, values, calldatas, description, descriptionHash, id: proposalId };
}

/** The timelock operation id and salt under which the governor queues `proposal`. */
async function timelockOperation(stoa: Stoa, proposal: Proposal) {
  const governor = BigInt(await stoa.governor.getAddress());
  const salt = toBeHex((governor << 96n) ^ BigInt(proposal.descriptionHash), 32);
  const operationId = await stoa.timelock.hashOperationBatch(
    proposal.targets,
    proposal.values,
    proposal.calldatas,
    ZeroHash,
    salt,
  );
  return { salt, operationId };
}

/** Proposes at a known timestamp; returns its vote start and end. */
async function propose(stoa: Stoa, proposer: Signer, proposal: Proposal) {
  const at = (await now()) + 1n;
  await time.setNextBlockTimestamp(at);
  await stoa.governor
    .connect(proposer)
    .propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description);
  return { voteStart: at + VOTING_DELAY, voteEnd: at + VOTING_DELAY + VOTING_PERIOD };
}

/** Proposes, votes for with `voters`, lets the vote end and queues; returns the eta. */
async function proposeAndQueue(stoa: Stoa, proposer: Signer, proposal: Proposal, voters: Signer[]) {
  const { voteStart, voteEnd } = await propose(stoa, proposer, proposal);
  await time.increaseTo(voteStart + 1n);
  for (const voter of voters) await stoa.governor.connect(voter).castVote(proposal.id, Vote.For);
  await time.increaseTo(voteEnd + 1n);
  await stoa.governor.queue(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash);
  return await stoa.governor.proposalEta(proposal.id);
}

describe("StoaGovernor", function () {
  describe("settings", function () {
    it("is named Stoa DAO and reads votes from StoaToken through the timelock", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      const { governor } = stoa;
      expect(await governor.name()).to.equal("Stoa DAO");
      expect(await governor.version()).to.equal("1");
      expect(await governor.token()).to.equal(await stoa.token.getAddress());
      expect(await governor.timelock()).to.equal(await stoa.timelock.getAddress());
      expect(await governor.COUNTING_MODE()).to.equal("support=bravo&quorum=for,abstain");
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await governor.clock()).to.equal(await now());
    });

    it("has the dev voting delay, voting period and proposal threshold", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      expect(await stoa.governor.votingDelay()).to.equal(60n);
      expect(await stoa.governor.votingPeriod()).to.equal(3600n);
      expect(await stoa.governor.proposalThreshold()).to.equal(parseEther("1000"));
      expect(await stoa.timelock.getMinDelay()).to.equal(3600n);
    });

    it("has a quorum of 4% of the past total supply", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      const { governor } = stoa;
      expect(await governor["quorumNumerator()"]()).to.equal(DEFAULT_SETTINGS.quorumPercent);
      expect(await governor.quorumDenominator()).to.equal(100n);
      const past = (await now()) - 1n;
      expect(await governor.quorum(past)).to.equal(parseEther("40000"));
      expect(await governor.quorum(past)).to.equal(((await stoa.token.getPastTotalSupply(past)) * 4n) / 100n);
    });

    it("supports ERC-165 and ERC-1155 receiving, not a random interface", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      expect(await stoa.governor.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await stoa.governor.supportsInterface("0x4e2312e0")).to.equal(true);
      expect(await stoa.governor.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("hashProposal is keccak256(abi.encode(targets, values, calldatas, descriptionHash))", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      const targets = [await stoa.token.getAddress()];
      const descriptionHash = keccak256(toUtf8Bytes("x"));
      const expected = BigInt(
        keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(
            ["address[]", "uint256[]", "bytes[]", "bytes32"],
            [targets, [0n], ["0x"], descriptionHash],
          ),
        ),
      );
      expect(await stoa.governor.hashProposal(targets, [0n], ["0x"], descriptionHash)).to.equal(expected);
      expect(await stoa.governor.getProposalId(targets, [0n], ["0x"], descriptionHash)).to.equal(expected);
    });

    it("state reverts with GovernorNonexistentProposal for an unknown proposal", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      await expect(stoa.governor.state(42n))
        .to.be.revertedWithCustomError(stoa.governor, "GovernorNonexistentProposal")
        .withArgs(42n);
    });
  });

  describe("lifecycle: the marketplace fee changes through the registry", function () {
    it("goes Pending, Active, Succeeded, Queued, Executed with every event, then orders pay the new fee", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, registry, timelock } = stoa;
      const registryAddress = await registry.getAddress();
      const before = await registry.params();
      expect(before.protocolFeeBps).to.equal(100n);
      const proposal = await proposalOf(
        stoa,
        [{ target: registryAddress, data: registry.interface.encodeFunctionData("setProtocolFee", [250]) }],
        "Raise the marketplace fee to 2.5%",
      );
      const { salt, operationId } = await timelockOperation(stoa, proposal);

      // propose
      const proposedAt = (await now()) + 1n;
      const voteStart = proposedAt + VOTING_DELAY;
      const voteEnd = voteStart + VOTING_PERIOD;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(
        governor.connect(a.buyer).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
      )
        .to.emit(governor, "ProposalCreated")
        .withArgs(
          proposal.id,
          a.buyer.address,
          proposal.targets,
          proposal.values,
          [""],
          proposal.calldatas,
          voteStart,
          voteEnd,
          proposal.description,
        );
      expect(
        await governor.getProposalId(proposal.targets, proposal.values, proposal.calldatas, id(proposal.description)),
      ).to.equal(proposal.id);
      expect(await governor.state(proposal.id)).to.equal(State.Pending);
      expect(await governor.proposalSnapshot(proposal.id)).to.equal(voteStart);
      expect(await governor.proposalDeadline(proposal.id)).to.equal(voteEnd);
      expect(await governor.proposalProposer(proposal.id)).to.equal(a.buyer.address);
      expect(await governor.proposalEta(proposal.id)).to.equal(0n);
      expect(await governor.proposalNeedsQueuing(proposal.id)).to.equal(true);

      // no vote while Pending, including at the snapshot second itself
      await time.setNextBlockTimestamp(voteStart);
      await expect(governor.connect(a.buyer).castVote(proposal.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Pending, bitmap(State.Active));

      // Active: for, against with a reason, abstain
      await time.setNextBlockTimestamp(voteStart + 1n);
      await expect(governor.connect(a.buyer).castVote(proposal.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(a.buyer.address, proposal.id, Vote.For, DEV_STOA_EACH, "");
      expect(await governor.state(proposal.id)).to.equal(State.Active);
      const reason = "A higher fee drives small sellers away";
      await expect(governor.connect(a.seller).castVoteWithReason(proposal.id, Vote.Against, reason))
        .to.emit(governor, "VoteCast")
        .withArgs(a.seller.address, proposal.id, Vote.Against, DEV_STOA_EACH, reason);
      await expect(governor.connect(a.other).castVote(proposal.id, Vote.Abstain))
        .to.emit(governor, "VoteCast")
        .withArgs(a.other.address, proposal.id, Vote.Abstain, DEV_STOA_EACH, "");
      await expect(governor.connect(a.arbiter).castVoteWithReason(proposal.id, Vote.For, "Arbiters need it"))
        .to.emit(governor, "VoteCast")
        .withArgs(a.arbiter.address, proposal.id, Vote.For, ARBITER_BALANCE, "Arbiters need it");
      expect(await governor.hasVoted(proposal.id, a.buyer.address)).to.equal(true);
      expect(await governor.hasVoted(proposal.id, a.creator.address)).to.equal(false);

      // the last second of the vote still counts
      await time.setNextBlockTimestamp(voteEnd);
      await expect(governor.connect(a.creator).castVote(proposal.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(a.creator.address, proposal.id, Vote.For, DEV_STOA_EACH, "");
      expect(await governor.state(proposal.id)).to.equal(State.Active);
      const [against, forVotes, abstain] = await governor.proposalVotes(proposal.id);
      expect(against).to.equal(DEV_STOA_EACH);
      expect(forVotes).to.equal(2n * DEV_STOA_EACH + ARBITER_BALANCE);
      expect(abstain).to.equal(DEV_STOA_EACH);

      // Succeeded: votes are closed, execution waits for the queue
      await time.increase(1);
      expect(await governor.state(proposal.id)).to.equal(State.Succeeded);
      await expect(governor.connect(a.worker).castVote(proposal.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Succeeded, bitmap(State.Active));
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Succeeded, bitmap(State.Queued));

      // Queued
      const queuedAt = (await now()) + 1n;
      const eta = queuedAt + TIMELOCK_DELAY;
      await time.setNextBlockTimestamp(queuedAt);
      const queue = governor
        .connect(a.outsider)
        .queue(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash);
      await expect(queue).to.emit(governor, "ProposalQueued").withArgs(proposal.id, eta);
      await expect(queue)
        .to.emit(timelock, "CallScheduled")
        .withArgs(operationId, 0n, registryAddress, 0n, proposal.calldatas[0], ZeroHash, TIMELOCK_DELAY);
      await expect(queue).to.emit(timelock, "CallSalt").withArgs(operationId, salt);
      expect(await governor.state(proposal.id)).to.equal(State.Queued);
      expect(await governor.proposalEta(proposal.id)).to.equal(eta);
      expect(await timelock.getTimestamp(operationId)).to.equal(eta);
      await expect(governor.queue(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Queued, bitmap(State.Succeeded));

      // executing before the timelock delay fails, one second before the eta included
      await time.setNextBlockTimestamp(eta - 1n);
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(operationId, bitmap(OPERATION_READY));
      expect(await governor.state(proposal.id)).to.equal(State.Queued);
      expect((await registry.params()).protocolFeeBps).to.equal(100n);

      // Executed, at the eta, by anyone
      await time.setNextBlockTimestamp(eta);
      const execute = governor
        .connect(a.outsider)
        .execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash);
      await expect(execute).to.emit(governor, "ProposalExecuted").withArgs(proposal.id);
      await expect(execute)
        .to.emit(timelock, "CallExecuted")
        .withArgs(operationId, 0n, registryAddress, 0n, proposal.calldatas[0]);
      const after = [
        250n,
        before.arbiterFeeBps,
        before.minDisputeWindow,
        before.maxDeliveryPeriod,
        before.rulingPeriod,
        before.minArbiterStake,
      ];
      await expect(execute)
        .to.emit(registry, "ParamsUpdated")
        .withArgs(
          [
            before.protocolFeeBps,
            before.arbiterFeeBps,
            before.minDisputeWindow,
            before.maxDeliveryPeriod,
            before.rulingPeriod,
            before.minArbiterStake,
          ],
          after,
        );
      expect(await governor.state(proposal.id)).to.equal(State.Executed);
      expect(await timelock.isOperationDone(operationId)).to.equal(true);
      expect((await registry.params()).protocolFeeBps).to.equal(250n);
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Executed, bitmap(State.Queued));

      // the marketplace charges the new fee on new orders
      expect(await registry.saleTerms(a.buyer.address, a.seller.address, ZeroAddress)).to.equal(250n);
      const price = parseEther("1");
      const tx = await stoa.marketplace.connect(a.buyer).createOrder(
        {
          seller: a.seller.address,
          arbiter: a.arbiter.address,
          token: ZeroAddress,
          amount: price,
          listingHash: id("listing-1"),
          deliveryDeadline: (await now()) + 7n * DAY,
        },
        { value: price },
      );
      const { order } = await createdOrder(stoa.marketplace, tx.hash);
      expect(order.protocolFeeBps).to.equal(250n);
    });
  });

  describe("lifecycle: the timelock mints STOA", function () {
    it("mints a grant from the timelock and raises the quorum of later proposals", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const grant = parseEther("50000");
      const proposal = await proposalOf(
        stoa,
        [
          {
            target: await token.getAddress(),
            data: token.interface.encodeFunctionData("mint", [a.outsider.address, grant]),
          },
        ],
        "Grant 50,000 STOA to the outsider's education programme",
      );
      const { voteStart, voteEnd } = await propose(stoa, a.seller, proposal);
      expect(await governor.state(proposal.id)).to.equal(State.Pending);
      await time.increaseTo(voteStart + 1n);
      expect(await governor.state(proposal.id)).to.equal(State.Active);
      await expect(governor.connect(a.seller).castVoteWithReason(proposal.id, Vote.For, "Teachers need STOA"))
        .to.emit(governor, "VoteCast")
        .withArgs(a.seller.address, proposal.id, Vote.For, DEV_STOA_EACH, "Teachers need STOA");
      await governor.connect(a.worker).castVote(proposal.id, Vote.Against);
      await governor.connect(a.creator).castVote(proposal.id, Vote.For);
      await time.increaseTo(voteEnd + 1n);
      expect(await governor.state(proposal.id)).to.equal(State.Succeeded);
      const queuedAt = (await now()) + 1n;
      await time.setNextBlockTimestamp(queuedAt);
      await expect(governor.queue(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.emit(governor, "ProposalQueued")
        .withArgs(proposal.id, queuedAt + TIMELOCK_DELAY);
      expect(await governor.state(proposal.id)).to.equal(State.Queued);
      await time.increaseTo(queuedAt + TIMELOCK_DELAY);
      const execute = governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash);
      await expect(execute).to.emit(governor, "ProposalExecuted").withArgs(proposal.id);
      await expect(execute).to.emit(token, "Transfer").withArgs(ZeroAddress, a.outsider.address, grant);
      await expect(execute).to.changeTokenBalances(ethers, token, [a.outsider, stoa.timelock], [grant, 0n]);
      expect(await governor.state(proposal.id)).to.equal(State.Executed);
      expect(await token.totalSupply()).to.equal(TOTAL_SUPPLY + grant);

      // quorum follows the past total supply: 4% of the new supply from the mint on
      const mintedAt = await now();
      await time.increase(1);
      expect(await governor.quorum(mintedAt - 1n)).to.equal((TOTAL_SUPPLY * 4n) / 100n);
      expect(await governor.quorum(mintedAt)).to.equal(((TOTAL_SUPPLY + grant) * 4n) / 100n);
    });
  });

  describe("defeat", function () {
    it("is Defeated when against outweighs for; it cannot be queued or executed", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [
          {
            target: await token.getAddress(),
            data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]),
          },
        ],
        "Mint one wei to the buyer",
      );
      const { voteStart, voteEnd } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      await governor.connect(a.buyer).castVote(proposal.id, Vote.For);
      await governor.connect(a.seller).castVote(proposal.id, Vote.Against);
      await governor.connect(a.other).castVote(proposal.id, Vote.Against);
      await time.increaseTo(voteEnd + 1n);
      expect(await governor.state(proposal.id)).to.equal(State.Defeated);
      await expect(governor.queue(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Defeated, bitmap(State.Succeeded));
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Defeated, bitmap(State.Queued));
    });

    it("is Defeated when the votes for and abstain stay under the 4% quorum, even unopposed", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      // The outsider holds 30,000 STOA: 3% of the supply, over the threshold, under the quorum.
      await token.connect(a.deployer).transfer(a.outsider.address, parseEther("30000"));
      await token.connect(a.outsider).delegate(a.outsider.address);
      await time.increase(1);
      const proposal = await proposalOf(
        stoa,
        [
          {
            target: await token.getAddress(),
            data: token.interface.encodeFunctionData("mint", [a.outsider.address, parseEther("1")]),
          },
        ],
        "Mint one STOA to the outsider",
      );
      const { voteStart, voteEnd } = await propose(stoa, a.outsider, proposal);
      await time.increaseTo(voteStart + 1n);
      await governor.connect(a.outsider).castVote(proposal.id, Vote.For);
      await time.increaseTo(voteEnd + 1n);
      expect(await governor.quorum(voteStart)).to.equal(parseEther("40000"));
      const [against, forVotes, abstain] = await governor.proposalVotes(proposal.id);
      expect([against, forVotes, abstain]).to.deep.equal([0n, parseEther("30000"), 0n]);
      expect(await governor.state(proposal.id)).to.equal(State.Defeated);
    });

    it("abstentions count towards the quorum: the same proposal with an abstention succeeds", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      await token.connect(a.deployer).transfer(a.outsider.address, parseEther("30000"));
      await token.connect(a.outsider).delegate(a.outsider.address);
      await time.increase(1);
      const proposal = await proposalOf(
        stoa,
        [
          {
            target: await token.getAddress(),
            data: token.interface.encodeFunctionData("mint", [a.outsider.address, parseEther("1")]),
          },
        ],
        "Mint one STOA to the outsider",
      );
      const { voteStart, voteEnd } = await propose(stoa, a.outsider, proposal);
      await time.increaseTo(voteStart + 1n);
      await governor.connect(a.outsider).castVote(proposal.id, Vote.For);
      await governor.connect(a.buyer).castVote(proposal.id, Vote.Abstain);
      await time.increaseTo(voteEnd + 1n);
      expect(await governor.state(proposal.id)).to.equal(State.Succeeded);
    });

    it("a tie between for and against is Defeated", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "A tie",
      );
      const { voteStart, voteEnd } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      await governor.connect(a.buyer).castVote(proposal.id, Vote.For);
      await governor.connect(a.seller).castVote(proposal.id, Vote.Against);
      await time.increaseTo(voteEnd + 1n);
      expect(await governor.state(proposal.id)).to.equal(State.Defeated);
    });
  });

  describe("propose", function () {
    it("reverts with GovernorInsufficientProposerVotes below the 1,000 STOA threshold", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const short = THRESHOLD - 1n;
      await token.connect(a.deployer).transfer(a.outsider.address, short);
      await token.connect(a.outsider).delegate(a.outsider.address);
      await time.increase(1);
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Too small to propose",
      );
      await expect(
        governor
          .connect(a.outsider)
          .propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
      )
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(a.outsider.address, short, THRESHOLD);
      // A holder of 100,000 STOA that never delegated has no votes either.
      await expect(
        governor.connect(a.issuer).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
      )
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(a.issuer.address, 0n, THRESHOLD);
      // One more wei reaches the threshold exactly.
      await token.connect(a.deployer).transfer(a.outsider.address, 1n);
      await time.increase(1);
      await expect(
        governor
          .connect(a.outsider)
          .propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
      ).to.emit(governor, "ProposalCreated");
    });

    it("reverts with GovernorUnexpectedProposalState for a proposal that exists already", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Twice",
      );
      await propose(stoa, a.buyer, proposal);
      await expect(
        governor.connect(a.seller).propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
      )
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Pending, ZeroHash);
    });

    it("reverts with GovernorInvalidProposalLength for empty or mismatched actions", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor } = stoa;
      const target = await stoa.token.getAddress();
      await expect(governor.connect(a.buyer).propose([], [], [], "Nothing"))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidProposalLength")
        .withArgs(0n, 0n, 0n);
      await expect(governor.connect(a.buyer).propose([target], [0n], [], "No calldata"))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidProposalLength")
        .withArgs(1n, 0n, 1n);
      await expect(governor.connect(a.buyer).propose([target], [], ["0x"], "No value"))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidProposalLength")
        .withArgs(1n, 1n, 0n);
    });

    it("reverts with GovernorRestrictedProposer when the description names another proposer", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor } = stoa;
      const target = await stoa.token.getAddress();
      const description = `Only the seller may propose this#proposer=${a.seller.address.toLowerCase()}`;
      await expect(governor.connect(a.buyer).propose([target], [0n], ["0x"], description))
        .to.be.revertedWithCustomError(governor, "GovernorRestrictedProposer")
        .withArgs(a.buyer.address);
      await expect(governor.connect(a.seller).propose([target], [0n], ["0x"], description)).to.emit(
        governor,
        "ProposalCreated",
      );
    });
  });

  describe("castVote", function () {
    it("reverts with GovernorAlreadyCastVote on a second vote, whatever the support", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Vote once",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      await governor.connect(a.seller).castVote(proposal.id, Vote.For);
      await expect(governor.connect(a.seller).castVote(proposal.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(a.seller.address);
      await expect(governor.connect(a.seller).castVoteWithReason(proposal.id, Vote.Against, "Changed my mind"))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(a.seller.address);
      const [, forVotes] = await governor.proposalVotes(proposal.id);
      expect(forVotes).to.equal(DEV_STOA_EACH);
    });

    it("reverts with GovernorInvalidVoteType for a support other than against, for, abstain", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Bad support",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      await expect(governor.connect(a.seller).castVote(proposal.id, 3)).to.be.revertedWithCustomError(
        governor,
        "GovernorInvalidVoteType",
      );
    });

    it("weighs votes at the snapshot: tokens received after it do not count", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Snapshot",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      // The issuer never delegated; it hands its tokens to the seller after the snapshot.
      await token.connect(a.issuer).transfer(a.seller.address, DEV_STOA_EACH);
      await expect(governor.connect(a.seller).castVote(proposal.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(a.seller.address, proposal.id, Vote.For, DEV_STOA_EACH, "");
      expect(await token.getVotes(a.seller.address)).to.equal(2n * DEV_STOA_EACH);
    });

    it("castVoteBySig counts a signed ballot; a ballot signed by someone else reverts with GovernorInvalidSignature", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "By signature",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      const domain = {
        name: "Stoa DAO",
        version: "1",
        chainId: 31337n,
        verifyingContract: await governor.getAddress(),
      };
      const types = {
        Ballot: [
          { name: "proposalId", type: "uint256" },
          { name: "support", type: "uint8" },
          { name: "voter", type: "address" },
          { name: "nonce", type: "uint256" },
        ],
      };
      const ballot = { proposalId: proposal.id, support: Vote.For, voter: a.seller.address, nonce: 0n };
      const forged = await a.other.signTypedData(domain, types, ballot);
      await expect(governor.connect(a.outsider).castVoteBySig(proposal.id, Vote.For, a.seller.address, forged))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
        .withArgs(a.seller.address);
      const signature = Signature.from(await a.seller.signTypedData(domain, types, ballot)).serialized;
      await expect(governor.connect(a.outsider).castVoteBySig(proposal.id, Vote.For, a.seller.address, signature))
        .to.emit(governor, "VoteCast")
        .withArgs(a.seller.address, proposal.id, Vote.For, DEV_STOA_EACH, "");
      expect(await governor.nonces(a.seller.address)).to.equal(1n);
      // Replaying the ballot uses a spent nonce.
      await expect(
        governor.connect(a.outsider).castVoteBySig(proposal.id, Vote.For, a.seller.address, signature),
      ).to.be.revertedWithCustomError(governor, "GovernorInvalidSignature");
    });
  });

  describe("cancel", function () {
    it("lets the proposer cancel while Pending: ProposalCanceled, state Canceled", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Withdrawn",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await expect(
        governor
          .connect(a.seller)
          .cancel(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash),
      )
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(proposal.id, a.seller.address);
      await expect(
        governor
          .connect(a.buyer)
          .cancel(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash),
      )
        .to.emit(governor, "ProposalCanceled")
        .withArgs(proposal.id);
      expect(await governor.state(proposal.id)).to.equal(State.Canceled);
      await time.increaseTo(voteStart + 1n);
      await expect(governor.connect(a.buyer).castVote(proposal.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(proposal.id, State.Canceled, bitmap(State.Active));
    });

    it("reverts with GovernorUnableToCancel once the vote is open", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, token } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await token.getAddress(), data: token.interface.encodeFunctionData("mint", [a.buyer.address, 1n]) }],
        "Too late to withdraw",
      );
      const { voteStart } = await propose(stoa, a.buyer, proposal);
      await time.increaseTo(voteStart + 1n);
      await expect(
        governor
          .connect(a.buyer)
          .cancel(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash),
      )
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(proposal.id, a.buyer.address);
    });
  });

  describe("execute", function () {
    it("a queued proposal whose action reverts cannot execute and stays Queued", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor, registry } = stoa;
      const proposal = await proposalOf(
        stoa,
        [
          {
            target: await registry.getAddress(),
            data: registry.interface.encodeFunctionData("setProtocolFee", [1_001]),
          },
        ],
        "A fee above the cap",
      );
      const eta = await proposeAndQueue(stoa, a.buyer, proposal, [a.buyer]);
      await time.increaseTo(eta);
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(registry, "FeeAboveCap")
        .withArgs(1_001n, 1_000n);
      expect(await governor.state(proposal.id)).to.equal(State.Queued);
    });
  });

  describe("settings change only through governance", function () {
    it("setVotingDelay, setVotingPeriod, setProposalThreshold and updateQuorumNumerator revert with GovernorOnlyExecutor", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(deployed);
      const { governor } = stoa;
      for (const account of [a.deployer, a.buyer, a.outsider]) {
        await expect(governor.connect(account).setVotingDelay(1n))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
        await expect(governor.connect(account).setVotingPeriod(1n))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
        await expect(governor.connect(account).setProposalThreshold(0n))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
        await expect(governor.connect(account).updateQuorumNumerator(1n))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
        await expect(governor.connect(account).updateTimelock(account.address))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
        await expect(governor.connect(account).relay(account.address, 0n, "0x"))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(account.address);
      }
    });

    it("even the timelock cannot change them outside an executing proposal", async function () {
      const { stoa } = await networkHelpers.loadFixture(deployed);
      const timelockAddress = await stoa.timelock.getAddress();
      await networkHelpers.impersonateAccount(timelockAddress);
      await networkHelpers.setBalance(timelockAddress, parseEther("1"));
      const timelock = await ethers.getSigner(timelockAddress);
      // The governor only accepts calls it registered while executing a proposal (an empty queue
      // pops with panic 0x31).
      await expect(stoa.governor.connect(timelock).setVotingDelay(1n)).to.be.revertedWithPanic(0x31);
      await networkHelpers.stopImpersonatingAccount(timelockAddress);
    });

    it("a proposal changes the voting delay, voting period, proposal threshold and quorum", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor } = stoa;
      const target = await governor.getAddress();
      const newThreshold = parseEther("2000");
      const proposal = await proposalOf(
        stoa,
        [
          { target, data: governor.interface.encodeFunctionData("setVotingDelay", [120n]) },
          { target, data: governor.interface.encodeFunctionData("setVotingPeriod", [7200n]) },
          { target, data: governor.interface.encodeFunctionData("setProposalThreshold", [newThreshold]) },
          { target, data: governor.interface.encodeFunctionData("updateQuorumNumerator", [5n]) },
        ],
        "Slower votes, higher bar",
      );
      const eta = await proposeAndQueue(stoa, a.buyer, proposal, [a.buyer]);
      await time.increaseTo(eta);
      const execute = governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash);
      await expect(execute).to.emit(governor, "VotingDelaySet").withArgs(VOTING_DELAY, 120n);
      await expect(execute).to.emit(governor, "VotingPeriodSet").withArgs(VOTING_PERIOD, 7200n);
      await expect(execute).to.emit(governor, "ProposalThresholdSet").withArgs(THRESHOLD, newThreshold);
      await expect(execute).to.emit(governor, "QuorumNumeratorUpdated").withArgs(4n, 5n);
      await expect(execute).to.emit(governor, "ProposalExecuted").withArgs(proposal.id);
      expect(await governor.votingDelay()).to.equal(120n);
      expect(await governor.votingPeriod()).to.equal(7200n);
      expect(await governor.proposalThreshold()).to.equal(newThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(5n);
      await time.increase(1);
      expect(await governor.quorum((await now()) - 1n)).to.equal((TOTAL_SUPPLY * 5n) / 100n);
    });

    it("a zero voting period is refused with GovernorInvalidVotingPeriod at execution", async function () {
      const { stoa, a } = await networkHelpers.loadFixture(delegated);
      const { governor } = stoa;
      const proposal = await proposalOf(
        stoa,
        [{ target: await governor.getAddress(), data: governor.interface.encodeFunctionData("setVotingPeriod", [0n]) }],
        "Votes that never open",
      );
      const eta = await proposeAndQueue(stoa, a.buyer, proposal, [a.buyer]);
      await time.increaseTo(eta);
      await expect(governor.execute(proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidVotingPeriod")
        .withArgs(0n);
    });
  });
});
