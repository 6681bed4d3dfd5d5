/**
 * Polls and votes: their schemas (every bound named by field), the shared rules (state at a chain
 * time, a vote's window, a choice that fits), and that a vote signed for one poll cannot be
 * moved to another.
 */
import { expect } from "chai";
import {
  buildRecord,
  choiceProblem,
  inPollWindow,
  pollStateAt,
  signRecord,
  verifyEnvelope,
  type PollVoteV1,
  type RecordType,
  type SignedRecord,
} from "../src/index.ts";
import { account, NETWORK, poll, T0, thrown } from "./helpers.ts";

const alice = account();
const sign = <T extends RecordType>(type: T, body: unknown): SignedRecord<T> =>
  signRecord(NETWORK, buildRecord(type, alice.address, body as never), alice.key);
const POLL_ID = `0x${"ab".repeat(32)}`;
const vote = (overrides: Partial<PollVoteV1> = {}): PollVoteV1 => ({ pollId: POLL_ID, choice: 0, ...overrides });

describe("poll and poll-vote records", function () {
  it("accepts a poll and each kind of vote in the polls family", function () {
    expect(verifyEnvelope(NETWORK, "polls", sign("poll", poll())).records[0]!.type).to.equal("poll");
    const choices: PollVoteV1["choice"][] = [2, [0, 2], { "0": 1, "2": 3 }, { "1": 0, "2": 5 }];
    for (const choice of choices) {
      const { records } = verifyEnvelope(NETWORK, "polls", sign("poll-vote", vote({ choice, reason: "because" })));
      expect(records[0]!.key).to.equal(POLL_ID);
    }
  });

  const bad: [RecordType, unknown, string][] = [
    ["poll", poll({ title: "" }), "body.title"],
    ["poll", poll({ title: "x".repeat(201) }), "body.title"],
    ["poll", poll({ body: "x".repeat(20_001) }), "body.body"],
    ["poll", poll({ choices: ["Only one"] }), "body.choices"],
    ["poll", poll({ choices: Array.from({ length: 21 }, (_, i) => `c${i}`) }), "body.choices"],
    ["poll", poll({ choices: ["Yes", " yes "] }), "body.choices"],
    ["poll", poll({ choices: ["Yes", "   "] }), "body.choices.1"],
    ["poll", poll({ choices: ["Yes", "x".repeat(101)] }), "body.choices.1"],
    ["poll", poll({ system: "ranked" as never }), "body.system"],
    ["poll", poll({ end: T0 }), "body.end"],
    ["poll", poll({ end: T0 + 59 }), "body.end"],
    ["poll", poll({ end: T0 + 367 * 86_400 }), "body.end"],
    ["poll", poll({ snapshot: T0 + 1 }), "body.snapshot"],
    ["poll", poll({ start: 1.5 }), "body.start"],
    ["poll", poll({ token: "0xABC" }), "body.token"],
    ["poll-vote", vote({ pollId: "0x12" }), "body.pollId"],
    ["poll-vote", vote({ choice: 20 }), "body.choice"],
    ["poll-vote", vote({ choice: -1 }), "body.choice"],
    ["poll-vote", vote({ choice: [] }), "body.choice"],
    ["poll-vote", vote({ choice: [1, 1] }), "body.choice"],
    ["poll-vote", vote({ choice: { "0": 0 } }), "body.choice"],
    ["poll-vote", vote({ choice: { "01": 1 } }), "body.choice"],
    ["poll-vote", vote({ choice: { "25": 1 } }), "body.choice"],
    ["poll-vote", vote({ choice: { "0": 1.5 } }), "body.choice"],
    ["poll-vote", vote({ reason: "x".repeat(1001) }), "body.reason"],
  ];
  bad.forEach(([type, body, field], i) => {
    it(`refuses a ${type} with a bad ${field} (case ${i})`, function () {
      const error = thrown(() => verifyEnvelope(NETWORK, "polls", sign(type, body)));
      expect(error.name).to.equal("InvalidRecordError");
      expect(error.field).to.equal(field);
    });
  });

  it("refuses a vote whose pollId was changed after signing (the signature covers it)", function () {
    const signed = sign("poll-vote", vote());
    const moved = { ...signed, body: { ...signed.body, pollId: `0x${"cd".repeat(32)}` } };
    const error = thrown(() => verifyEnvelope(NETWORK, "polls", moved));
    expect(error.name).to.equal("SignatureError");
  });

  it("refuses a poll written to another family", function () {
    const error = thrown(() => verifyEnvelope(NETWORK, "listings", sign("poll", poll())));
    expect(error.rule).to.equal("family");
  });
});

describe("poll rules", function () {
  it("states a poll's state at a chain time, start and end inclusive", function () {
    const p = poll();
    expect(pollStateAt(p, p.start - 1)).to.equal("upcoming");
    expect(pollStateAt(p, p.start)).to.equal("active");
    expect(pollStateAt(p, p.end)).to.equal("active");
    expect(pollStateAt(p, p.end + 1)).to.equal("ended");
  });

  it("judges a vote's window by its createdAt's whole second", function () {
    const p = poll();
    expect(inPollWindow(p, p.start * 1000 - 1)).to.equal(false);
    expect(inPollWindow(p, p.start * 1000)).to.equal(true);
    expect(inPollWindow(p, p.end * 1000 + 999)).to.equal(true);
    expect(inPollWindow(p, (p.end + 1) * 1000)).to.equal(false);
  });

  it("says why a choice does not fit the poll's system or range", function () {
    const single = poll();
    expect(choiceProblem(single, 2)).to.equal(undefined);
    expect(choiceProblem(single, 3)).to.match(/out of range/);
    expect(choiceProblem(single, [0])).to.match(/single-choice/);
    const approval = poll({ system: "approval" });
    expect(choiceProblem(approval, [0, 2])).to.equal(undefined);
    expect(choiceProblem(approval, [0, 3])).to.match(/choice 3 is out of range/);
    expect(choiceProblem(approval, 1)).to.match(/approval/);
    const quadratic = poll({ system: "quadratic" });
    expect(choiceProblem(quadratic, { "0": 1, "2": 2 })).to.equal(undefined);
    expect(choiceProblem(quadratic, { "5": 1 })).to.match(/choice 5/);
    expect(choiceProblem(quadratic, [0])).to.match(/quadratic/);
  });
});
