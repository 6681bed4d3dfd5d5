/**
 * Gasless polls through the SDK against two real daemons (A runs a dev chain of its own, B follows
 * it in rpc mode and dials A): three voters, one of whom changes their vote, give identical tallies on
 * both nodes, and verifyPollTally agrees with each; the refusals name their rule (a vote signed
 * for another poll, by an account without STOA, after the end by the chain's clock, ...).
 */
import { expect } from "chai";
import { tallyPoll, type PollV1 } from "@stoa/protocol";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { StoaApiError, type ApiPollTally, type StoaClient, type StoaClientConfig } from "../src/index.ts";
import { devAccount, eventually, freshAccount, startPeer, testClient as sharedClient } from "./helpers.ts";

type Peer = Awaited<ReturnType<typeof startPeer>>;

const STOA = 10n ** 18n;

/** The error `promise` rejects with (or a failure if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<StoaApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a refusal").to.be.instanceOf(StoaApiError);
  return error as StoaApiError;
}

/** What two nodes must agree on (the chain block each read at may differ). */
const agreed = ({ readAt: _readAt, ...tally }: ApiPollTally) => tally;

describe("gasless polls on two nodes", function () {
  this.timeout(180_000);
  let rpcUrl: string;
  let rpc: PublicClient;
  let nodeA: Peer;
  let nodeB: Peer;
  /** A client of `node` (A unless told), on A's chain. */
  const testClient = (config: Partial<StoaClientConfig> & { node?: string } = {}) =>
    sharedClient({ node: nodeA.url, provider: http(nodeA.rpcUrl), deployment: nodeA.chain.manifest, ...config });
  /** Three voters holding 100, 400 and 900 STOA, delegated to themselves; each with a client of A and of B. */
  const voters: { account: PrivateKeyAccount; a: StoaClient; b: StoaClient; weight: bigint }[] = [];

  const chainCall = async (method: string, params: unknown[] = []) => {
    const answer = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return ((await answer.json()) as { result: unknown }).result;
  };

  before(async function () {
    // A chain of their own: other test files move the shared dev chain's clock by hours, and
    // votes dated by that clock would be refused by relays as from the future (STACK: freshness).
    nodeA = await startPeer({ chain: "own", peers: [] });
    nodeB = await startPeer({ chain: nodeA.chain, peers: [nodeA.node.multiaddrs[0]!.toString()] });
    rpcUrl = nodeA.rpcUrl;
    rpc = createPublicClient({ transport: http(rpcUrl) });

    const funder = await testClient({ signer: devAccount(0) });
    const eth = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
    for (const stoa of [100n, 400n, 900n]) {
      const account = freshAccount();
      const hash = await eth.sendTransaction({ to: account.address, value: parseEther("1"), chain: null });
      await rpc.waitForTransactionReceipt({ hash });
      await funder.transfer({ to: account.address, amount: stoa * STOA });
      const onA = await testClient({ signer: account });
      await onA.delegate({ delegatee: account.address });
      const onB = await testClient({ signer: account, node: nodeB.url });
      await Promise.all([onA.signIn(), onB.signIn()]);
      voters.push({ account, a: onA, b: onB, weight: stoa * STOA });
    }
    // A block after the delegations: the default snapshot (one second before the latest block)
    // then includes them.
    await chainCall("evm_mine");
  });

  after(async function () {
    await nodeB?.stop();
    await nodeA?.stop();
  });

  let pollId: string;

  it("three voters, one changing their vote: identical tallies on both nodes, and verifyPollTally agrees", async function () {
    const [ada, bo, cy] = voters as [(typeof voters)[0], (typeof voters)[0], (typeof voters)[0]];
    const { records } = await ada.a.createPoll({
      title: "Lower the marketplace fee to 1%?",
      body: "## Why\n\nSellers asked for it. **Vote** by Friday.",
      choices: ["Yes", "No", "Abstain"],
      system: "single",
      duration: 600,
    });
    pollId = records[0]!.id;
    const onB = await eventually(
      () => bo.b.getPoll({ id: pollId }),
      () => true,
      "the poll on B",
    );
    expect(onB.state).to.equal("active");
    expect(onB.envelope).to.deep.include({ type: "poll", author: ada.account.address.toLowerCase() });

    await ada.a.castPollVote({ poll: pollId, choice: 0 });
    await bo.a.castPollVote({ poll: pollId, choice: 1, reason: "Fees fund the arbiters" });
    await cy.b.castPollVote({ poll: pollId, choice: 0 }); // written to B, replicated to A
    const changed = await ada.a.castPollVote({ poll: pollId, choice: 2 }); // replaces Ada's first vote

    const settled = (tally: ApiPollTally) =>
      tally.voters === 3 && tally.votes.some((v) => v.id === changed.records[0]!.id);
    const [tallyA, tallyB] = await Promise.all(
      [ada.a, ada.b].map((stoa) => eventually(() => stoa.getPollTally({ id: pollId }), settled, "three votes counted")),
    );
    expect(agreed(tallyA!)).to.deep.equal(agreed(tallyB!));
    const w = voters.map((v) => v.weight);
    expect(tallyA!.scores).to.deep.equal([String(w[2]!), String(w[1]!), String(w[0]!)]);
    expect(tallyA!.totalWeight).to.equal(String(w[0]! + w[1]! + w[2]!));
    expect(tallyA!.state).to.equal("active");

    // The replaced vote is a version in Ada's history, not a current vote.
    const history = await ada.b.getPollVotes({ id: pollId, voter: ada.account.address, history: true });
    expect(history.items.map((v) => (v.body as { choice: number }).choice)).to.deep.equal([2, 0]);
    expect((await ada.b.getPollVotes({ id: pollId })).items).to.have.length(3);

    for (const stoa of [ada.a, ada.b]) {
      const verified = await stoa.verifyPollTally({ id: pollId });
      expect(verified.differences).to.deep.equal([]);
      expect(verified.matches).to.equal(true);
      expect(verified.tally.scores).to.deep.equal(tallyA!.scores);
      expect(verified.verifiedVotes).to.equal(3);
    }
  });

  it("quadratic: the same tally on both nodes, equal to tallyPoll over the same records and weights", async function () {
    const [ada, bo, cy] = voters as [(typeof voters)[0], (typeof voters)[0], (typeof voters)[0]];
    const { records } = await bo.b.createPoll({
      title: "Where should the treasury's grants go?",
      choices: ["Docs", "Relays", "Audits"],
      system: "quadratic",
      duration: 600,
    });
    const id = records[0]!.id;
    await eventually(
      () => ada.a.getPoll({ id }),
      () => true,
      "the quadratic poll on A",
    );
    await ada.a.castPollVote({ poll: id, choice: { "0": 1, "1": 3 } });
    await bo.b.castPollVote({ poll: id, choice: { "2": 1 } });
    await cy.a.castPollVote({ poll: id, choice: { "0": 1, "1": 1, "2": 2 } });
    const [tallyA, tallyB] = await Promise.all(
      [ada.a, ada.b].map((stoa) =>
        eventually(
          () => stoa.getPollTally({ id }),
          (t) => t.voters === 3,
          "3 votes",
        ),
      ),
    );
    expect(agreed(tallyA!)).to.deep.equal(agreed(tallyB!));
    const poll = (await ada.a.getPoll({ id })).body as PollV1;
    const votes = (await ada.a.getPollVotes({ id })).items.map(({ id, author, createdAt, body }) => ({
      id,
      author,
      createdAt,
      body: body as never,
    }));
    const weights = new Map(voters.map((v) => [v.account.address.toLowerCase(), v.weight]));
    const expected = tallyPoll({ pollId: id, poll, votes, weights });
    expect(tallyA!.scores).to.deep.equal(expected.scores);
    expect(tallyA!.sqrtSums).to.deep.equal(expected.sqrtSums);
    expect((await cy.b.verifyPollTally({ id })).matches).to.equal(true);
  });

  it("refuses, naming the rule: a vote signed for another poll, a non-holder, an unknown poll, a choice out of range, bad polls", async function () {
    const [ada, bo] = voters as [(typeof voters)[0], (typeof voters)[0]];
    const { records } = await ada.a.createPoll({ title: "Another poll", choices: ["A", "B"], system: "single" });
    const otherPollId = records[0]!.id;

    // Signed for the other poll, sent with pollId changed to this one: the signature no longer matches.
    const signed = await bo.a.signRecord({ type: "poll-vote", body: { pollId: otherPollId, choice: 1 } });
    const moved = { ...signed, body: { ...signed.body, pollId } };
    const forged = await refusal(bo.a.putRecord({ envelope: moved }));
    expect([forged.status, forged.code]).to.deep.equal([400, "bad-signature"]);

    const stranger = await testClient({ signer: freshAccount() });
    await stranger.signIn();
    const poor = await refusal(stranger.castPollVote({ poll: pollId, choice: 0 }));
    expect([poor.status, poor.code, poor.field]).to.deep.equal([422, "no-voting-power", "author"]);

    const unknown = await refusal(
      bo.a.publishRecord({ type: "poll-vote", body: { pollId: `0x${"12".repeat(32)}`, choice: 0 } }),
    );
    expect([unknown.status, unknown.code, unknown.field]).to.deep.equal([422, "poll-not-found", "body.pollId"]);

    const outOfRange = await refusal(bo.a.castPollVote({ poll: pollId, choice: 3 }));
    expect([outOfRange.status, outOfRange.code, outOfRange.field]).to.deep.equal([
      422,
      "invalid-choice",
      "body.choice",
    ]);
    const wrongSystem = await refusal(bo.a.castPollVote({ poll: pollId, choice: [0, 1] }));
    expect(wrongSystem.code).to.equal("invalid-choice");

    const { start } = (await bo.a.getPoll({ id: pollId })).body as PollV1;
    const backdated = await refusal(
      bo.a.publishRecord({ type: "poll-vote", body: { pollId, choice: 0 }, createdAt: (start - 10) * 1000 }),
    );
    expect([backdated.status, backdated.code, backdated.field]).to.deep.equal([422, "poll-not-open", "createdAt"]);

    const head = Number((await rpc.getBlock()).timestamp);
    const future = await refusal(
      ada.a.createPoll({
        title: "Too soon",
        choices: ["A", "B"],
        system: "single",
        start: head + 100,
        snapshot: head + 50,
      }),
    );
    expect([future.status, future.code, future.field]).to.deep.equal([422, "snapshot-not-past", "body.snapshot"]);
    const noPower = await refusal(stranger.createPoll({ title: "Mine", choices: ["A", "B"], system: "single" }));
    expect([noPower.status, noPower.code, noPower.field]).to.deep.equal([422, "no-voting-power", "author"]);

    // Nothing was written: the tally is as before on both nodes, and the refused polls are nowhere.
    const tally = await bo.a.getPollTally({ id: pollId });
    expect(tally.voters).to.equal(3);
    const polls = await bo.b.getPolls({ author: stranger.signing!.address });
    expect(polls.items).to.deep.equal([]);
  });

  it("verifyPollTally reports a node that misstates a score or serves a vote that does not verify", async function () {
    const [ada] = voters as [(typeof voters)[0]];
    const { url } = nodeA;
    // A node that lies cannot be caused with honest daemons: this client's fetch alters the answers.
    const lying: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      const path = new URL(input instanceof Request ? input.url : input.toString()).pathname;
      if (!path.startsWith("/v1/polls/") || !answer.ok) return answer;
      const json = (await answer.json()) as Record<string, unknown>;
      if (path.endsWith("/tally")) (json.scores as string[])[1] = "1";
      if (path.endsWith("/votes")) {
        const first = (json.items as { envelope: { body: { choice: number } } }[])[0];
        if (first) first.envelope.body.choice = first.envelope.body.choice === 0 ? 1 : 0;
      }
      return new Response(JSON.stringify(json), { status: answer.status, headers: answer.headers });
    };
    const client = await testClient({ node: url, fetch: lying, signer: ada.account });
    const result = await client.verifyPollTally({ id: pollId });
    expect(result.matches).to.equal(false);
    expect(result.differences.map((d) => d.field)).to.include("scores.1");
    expect(
      result.differences.some((d) => d.field.startsWith("votes.0x") && d.local.startsWith("not verified")),
    ).to.equal(true);
    expect(result.verifiedVotes).to.equal(2);
  });

  it("lists polls by state and, once the chain's clock passes the end, refuses votes as poll-not-open", async function () {
    const [ada, bo] = voters as [(typeof voters)[0], (typeof voters)[0]];
    const before = await bo.a.getPollTally({ id: pollId });
    const active = await bo.b.getPolls({ state: "active" });
    expect(active.items.map((p) => p.id)).to.include(pollId);

    const poll = (await bo.a.getPoll({ id: pollId })).body as PollV1;
    const head = Number((await rpc.getBlock()).timestamp);
    await chainCall("evm_increaseTime", [poll.end - head + 1]);
    await chainCall("evm_mine");

    const late = await refusal(bo.a.castPollVote({ poll: pollId, choice: 0 }));
    expect([late.status, late.code, late.field]).to.deep.equal([422, "poll-not-open", "body.pollId"]);
    const lateOnB = await refusal(ada.b.castPollVote({ poll: pollId, choice: 1 }));
    expect(lateOnB.code).to.equal("poll-not-open");

    for (const stoa of [bo.a, bo.b]) {
      const after = await stoa.getPollTally({ id: pollId });
      expect(after.state).to.equal("ended");
      expect(agreed(after)).to.deep.equal({ ...agreed(before), state: "ended" });
      expect((await stoa.getPolls({ state: "ended" })).items.map((p) => p.id)).to.include(pollId);
      expect((await stoa.getPolls({ state: "active" })).items.map((p) => p.id)).to.not.include(pollId);
    }
  });
});
