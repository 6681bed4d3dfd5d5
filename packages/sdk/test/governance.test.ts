/**
 * On-chain governance through the SDK against real daemons and the dev chain: delegation, a
 * proposal with a Markdown body in IPFS and actions decoded back, votes with reasons, queue and
 * execute through the timelock; and the DAO's deny list obeyed by a second node, which neither
 * relays nor returns the denied account's new records until the DAO allows it again.
 */
import type { RefusalEvent } from "@stoa/core";
import { expect } from "chai";
import { createPublicClient, createWalletClient, http, parseEther, type Address, type PublicClient } from "viem";
import {
  BelowProposalThresholdError,
  decodeAction,
  encodeAction,
  InvalidActionError,
  parseDeployment,
  StoaApiError,
  StoaContractError,
  type Proposal,
  type ProposalAction,
  type StoaClient,
} from "../src/index.ts";
import { devAccount, freshAccount, startPeer, testClient, testNode, type TestNode, eventually } from "./helpers.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("governance: delegation, proposals, votes, timelock, the deny list", function () {
  this.timeout(180_000);
  let rpc: PublicClient;
  let voters: StoaClient[];

  /** Moves the dev chain's clock on by `seconds` and mines a block. */
  async function advance(seconds: number): Promise<void> {
    await rpc.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
    await rpc.request({ method: "evm_mine" as never, params: [] as never });
  }

  /** The proposal once the node's index has it, in `state`. */
  const proposalIn = (stoa: StoaClient, proposalId: string, state: Proposal["state"]) =>
    eventually(
      () => stoa.getProposal({ proposalId }),
      (p) => p.state === state,
      `proposal ${proposalId} ${state}`,
    );

  /** Proposes `actions`, everyone votes for, then queue and execute: the executed proposal. */
  async function pass(title: string, actions: ProposalAction[]): Promise<Proposal> {
    const { proposalId } = await voters[0]!.propose({ title, body: `${title}.`, actions });
    await advance(61);
    for (const voter of voters) await voter.castVote({ proposalId, support: "for" });
    await advance(3_601);
    const succeeded = await proposalIn(voters[0]!, proposalId, "succeeded");
    await voters[1]!.queueProposal({ proposal: succeeded });
    await advance(3_601);
    await voters[2]!.executeProposal({ proposal: succeeded });
    return proposalIn(voters[0]!, proposalId, "executed");
  }

  before(async function () {
    const { rpcUrl } = await testNode();
    rpc = createPublicClient({ transport: http(rpcUrl) });
    // Fresh voters with 30,000 STOA each from dev account 0, so that other test files' dev
    // accounts keep their balances and delegations: 60,000 for is above the 4% quorum.
    const funder = await testClient({ signer: devAccount(0) });
    const eth = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
    voters = [];
    for (let i = 0; i < 3; i++) {
      const account = freshAccount();
      await rpc.waitForTransactionReceipt({
        hash: await eth.sendTransaction({ to: account.address, value: parseEther("1"), chain: null }),
      });
      await funder.transfer({ to: account.address, amount: parseEther("30000") });
      const voter = await testClient({ signer: account });
      await voter.signIn();
      await voter.delegate({ delegatee: account.address });
      voters.push(voter);
    }
    await advance(1); // voting power counts from the next second
  });

  it("a fee change: proposed with its body in IPFS, voted with reasons, queued, executed; decoded as what it does", async function () {
    const [alice, bob, carol] = voters as [StoaClient, StoaClient, StoaClient];
    const delegation = await eventually(
      () => alice.getDelegation({ account: alice.signing!.address }),
      (d) => d.delegators.length > 0,
      "alice's self-delegation in the index",
    );
    expect(delegation.delegatee).to.equal(alice.signing!.address);
    expect(delegation.votes).to.equal(parseEther("30000").toString());

    const settings = await alice.getGovernanceSettings();
    expect(settings).to.deep.include({ votingDelay: 60n, votingPeriod: 3_600n, timelockDelay: 3_600n });

    const nobody = await testClient({ signer: freshAccount() });
    const refused = await nobody
      .propose({ title: "Free money", body: "", actions: [{ kind: "setProtocolFee", feeBps: 0 }] })
      .catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(BelowProposalThresholdError);
    const badFee = await alice
      .propose({ title: "Too much", body: "", actions: [{ kind: "setProtocolFee", feeBps: 10_001 }] })
      .catch((e: unknown) => e);
    expect(badFee).to.be.instanceOf(InvalidActionError).and.to.include({ field: "feeBps" });

    const issuer = freshAccount().address;
    const body = "## Why\n\nFees of **1.5%** keep the treasury funded and sellers happy.";
    const { proposalId, bodyCid } = await alice.propose({
      title: "Set the marketplace fee to 1.5%",
      body,
      actions: [
        { kind: "setProtocolFee", feeBps: 150 },
        { kind: "grantIssuer", account: issuer },
      ],
    });
    const pending = await proposalIn(alice, proposalId, "pending");
    expect(pending).to.deep.include({ title: "Set the marketplace fee to 1.5%", bodyCid });
    expect(await alice.getProposalBody({ proposal: pending })).to.equal(`# Set the marketplace fee to 1.5%\n\n${body}`);
    expect(pending.calls.map((c) => c.action)).to.deep.equal([
      { kind: "setProtocolFee", feeBps: 150 },
      { kind: "grantIssuer", account: issuer },
    ]);
    expect(pending.calls[0]).to.deep.include({ contract: "registry", functionName: "setProtocolFee" });

    await advance(61);
    await alice.castVote({ proposalId, support: "for", reason: "Sustainable treasury" });
    await bob.castVote({ proposalId, support: "for" });
    await carol.castVote({ proposalId, support: "against", reason: "Too high for small sellers" });
    const twice = await bob.castVote({ proposalId, support: "against" }).catch((e: unknown) => e);
    expect(twice).to.be.instanceOf(StoaContractError);

    const active = await eventually(
      () => alice.getProposal({ proposalId }),
      (p) => p.votes.length === 3,
      "three votes in the index",
    );
    expect(active.state).to.equal("active");
    expect(active.tally.for).to.be.greaterThan(active.tally.against);
    expect(active.tally.for + active.tally.abstain).to.be.at.least(active.quorum);
    expect(active.votes.map((v) => [v.voter, v.support, v.reason])).to.deep.equal([
      [alice.signing!.address, "for", "Sustainable treasury"],
      [bob.signing!.address, "for", ""],
      [carol.signing!.address, "against", "Too high for small sellers"],
    ]);

    await advance(3_601);
    const succeeded = await proposalIn(alice, proposalId, "succeeded");
    const early = await carol.executeProposal({ proposal: succeeded }).catch((e: unknown) => e);
    expect(early, "executed before it was queued").to.be.instanceOf(StoaContractError);
    await carol.queueProposal({ proposal: succeeded });
    const queued = await proposalIn(alice, proposalId, "queued");
    expect(queued.eta).to.be.a("number");
    const tooSoon = await carol.executeProposal({ proposal: queued }).catch((e: unknown) => e);
    expect(tooSoon, "executed before the timelock's delay").to.be.instanceOf(StoaContractError);

    await advance(3_601);
    await bob.executeProposal({ proposal: queued });
    const executed = await proposalIn(alice, proposalId, "executed");
    expect(executed.timeline.map((s) => [s.step, s.done])).to.deep.equal([
      ["created", true],
      ["active", true],
      ["succeeded", true],
      ["queued", true],
      ["executed", true],
    ]);
    const params = await alice.readContract({ contract: "registry", functionName: "params" });
    expect(params.protocolFeeBps).to.equal(150);
    const role = await alice.readContract({ contract: "certificates", functionName: "ISSUER_ROLE" });
    expect(
      await alice.readContract({ contract: "certificates", functionName: "hasRole", args: [role, issuer] }),
    ).to.equal(true);

    const listed = await alice.getProposals({ proposer: alice.signing!.address });
    expect(listed.map((p) => p.proposalId)).to.include(proposalId);
  });

  it("decodes a treasury transfer, a role grant and an unknown call", async function () {
    const { chain } = await testNode();
    const deployment = parseDeployment(chain.manifest);
    const to = freshAccount().address;
    const token = chain.manifest.contracts.token!.address as Address;
    const cases: ProposalAction[] = [
      { kind: "treasuryTransfer", token: "ETH", to, amount: 5n },
      { kind: "treasuryTransfer", token, to, amount: 7n },
      { kind: "grantIssuer", account: to },
      { kind: "deny", account: to, reasonCid: "bafkreiabc" },
    ];
    for (const action of cases) {
      expect(decodeAction(deployment, encodeAction(deployment, action)).action).to.deep.equal(action);
    }
    const raw = { kind: "raw", target: to, value: 0n, calldata: "0x12345678" } as const;
    expect(decodeAction(deployment, encodeAction(deployment, raw)).action).to.deep.equal(raw);
    expect(() => encodeAction(deployment, { kind: "removeArbiter", arbiter: "0x12" })).to.throw(InvalidActionError);
  });

  it("deny list: a second node neither relays nor returns a denied account's new listing; allowing reverses it", async function () {
    const a = await testNode();
    const b = await startPeer({ chain: "shared", peers: [a.node.multiaddrs[0]!.toString()] });
    // C and D follow a chain of their own, where the DAO denies no one: C takes the denied
    // account's write, and D's only way to it is B.
    const c = await startPeer({ chain: "own", peers: [b.node.multiaddrs[0]!.toString()] });
    const d = await startPeer({ chain: c.chain, peers: [b.node.multiaddrs[0]!.toString()] });
    const clientOf = (node: TestNode, signer = mallory) =>
      testClient({ node: node.url, provider: http(node.rpcUrl), deployment: node.chain.manifest, signer });
    const mallory = freshAccount();
    const onA = await clientOf(a);
    const onB = await clientOf(b);
    const onC = await clientOf(c);
    const onD = await clientOf(d);
    await onA.signIn();
    await onC.signIn();
    try {
      await denyAndAllow();
    } finally {
      for (const peer of [d, c, b]) await peer.stop();
    }

    async function denyAndAllow() {
      const listing = (title: string) => ({
        title,
        description: "A listing by an account the DAO is about to deny.",
        category: "misc",
        price: "1000",
        currency: "ETH" as const,
        kind: "digital" as const,
      });

      const before = (await onA.createListing(listing("Before the denial"))).records[0]!.id;
      await eventually(() => onB.getListing({ id: before }), Boolean, "the first listing on B");

      const deny = await pass("Deny mallory", [{ kind: "deny", account: mallory.address, reasonCid: "bafkreispam" }]);
      const executedAt = deny.timeline.at(-1)!;
      expect(executedAt.done).to.equal(true);
      for (const node of [a, b]) {
        await eventually(
          () =>
            fetch(`${node.url}/v1/chain/deny-list`).then((r) => r.json() as Promise<{ denied: { account: string }[] }>),
          (list) => list.denied.some((x) => x.account === mallory.address),
          "the denial in the node's index",
        );
      }
      const hidden = await onB.getListing({ id: before }).catch((e: unknown) => e);
      expect(hidden, "B hides the denied account's records")
        .to.be.instanceOf(StoaApiError)
        .and.include({ status: 404 });
      expect((await onB.searchListings({ seller: mallory.address })).items).to.deep.equal([]);
      const refusedOnA = await onA.createListing(listing("Refused by A")).catch((e: unknown) => e);
      expect(refusedOnA).to.be.instanceOf(StoaApiError).and.include({ status: 403, reason: "denied-author" });

      const refusals: RefusalEvent[] = [];
      b.node.refusals.addEventListener("refused", (e) => refusals.push((e as CustomEvent<RefusalEvent>).detail));
      const after = (await onC.createListing(listing("After the denial"))).records[0]!.id;
      await eventually(
        () => Promise.resolve(refusals.find((r) => r.author?.toLowerCase() === mallory.address.toLowerCase())),
        Boolean,
        "B's refusal of the new listing",
      );
      expect(refusals[0]).to.include({ reason: "denied-author", family: "listings" });
      await sleep(1_500);
      expect(await onD.getListing({ id: after }).catch((e: unknown) => e), "D got it through B").to.include({
        status: 404,
      });
      expect(await onB.getListing({ id: after }).catch((e: unknown) => e)).to.include({ status: 404 });
      // The path C -> B -> D works: an honest account's listing written on C reaches D.
      const honest = await clientOf(c, freshAccount());
      await honest.signIn();
      const relayed = (await honest.createListing(listing("An honest listing"))).records[0]!.id;
      await eventually(() => onD.getListing({ id: relayed }), Boolean, "an honest listing relayed from C to D by B");

      await pass("Allow mallory again", [{ kind: "allow", account: mallory.address, reasonCid: "bafkreiappeal" }]);
      for (const node of [a, b]) {
        await eventually(
          () =>
            fetch(`${node.url}/v1/chain/deny-list`).then((r) => r.json() as Promise<{ denied: { account: string }[] }>),
          (list) => !list.denied.some((x) => x.account === mallory.address),
          "the allowance in the node's index",
        );
      }
      await eventually(() => onB.getListing({ id: before }), Boolean, "the first listing shown again on B");
      const again = (await onA.createListing(listing("After the appeal"))).records[0]!.id;
      await eventually(() => onB.getListing({ id: again }), Boolean, "a new listing relayed to B");
    }
  });
});
