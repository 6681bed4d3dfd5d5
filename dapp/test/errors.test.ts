/** The dApp's error messages: what a person reads when a wallet, a contract or the node says no. */
import { ChainMismatchError, StoaApiError, StoaContractError, StoaNetworkError } from "@stoa/sdk";
import { expect } from "chai";
import { describeError, formatStoa, isUserRejection } from "../src/ui/errors.ts";

const STOA = 10n ** 18n;

describe("describeError", function () {
  it("a wallet rejection, however deep in the cause chain", function () {
    const rejected = Object.assign(new Error("User rejected the request."), { code: 4001 });
    const wrapped = new Error("signMessage failed", { cause: new Error("request failed", { cause: rejected }) });
    expect(isUserRejection(wrapped)).to.equal(true);
    expect(describeError(wrapped)).to.equal("You declined the request in your wallet. Nothing was signed or sent.");
  });

  it("a known custom error in words, with its amounts", function () {
    const error = new StoaContractError("token.transfer reverted", {
      contract: "token",
      functionName: "transfer",
      errorName: "ERC20InsufficientBalance",
      args: ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 5n * STOA, (15n * STOA) / 2n],
    });
    expect(describeError(error)).to.equal("Not enough STOA: you have 5 STOA and this needs 7.5 STOA.");
  });

  it("an unknown custom error by its contract and name", function () {
    const error = new StoaContractError("marketplace.release reverted", {
      contract: "marketplace",
      functionName: "release",
      errorName: "NotBuyer",
      args: [],
    });
    expect(describeError(error)).to.equal("The transaction was refused by the marketplace contract (NotBuyer).");
  });

  it("the node's API error with the field at fault; 401 and 429 as what to do", function () {
    expect(describeError(new StoaApiError(400, "invalid-record", "name is too long", { field: "body.name" }))).to.equal(
      "name is too long (field: body.name)",
    );
    expect(describeError(new StoaApiError(401, "unauthorized", "no session"))).to.match(/Sign in again/);
    expect(describeError(new StoaApiError(429, "rate-limited", "slow down"))).to.match(/Wait a moment/);
  });

  it("a wrong chain and an unreachable node", function () {
    expect(describeError(new ChainMismatchError(31337, 1))).to.match(/chain 1, but this node follows chain 31337/);
    expect(describeError(new StoaNetworkError("fetch failed"))).to.match(/did not answer/);
  });

  it("formatStoa: whole and fractional STOA, grouped, without float rounding", function () {
    expect(formatStoa(101_000n * STOA)).to.equal("101,000 STOA");
    expect(formatStoa(STOA / 3n)).to.equal("0.333333 STOA");
    expect(formatStoa(0n)).to.equal("0 STOA");
    expect(formatStoa(-(3n * STOA) / 2n)).to.equal("-1.5 STOA");
    expect(formatStoa(2n ** 200n)).to.match(/^[\d,]+\.\d+ STOA$/);
  });
});
