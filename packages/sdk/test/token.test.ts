import { expect } from "chai";
import { parseEther } from "viem";
import {
  ChainMismatchError,
  delegate,
  getBalance,
  getDelegate,
  getVotes,
  ProviderRequiredError,
  readContract,
  SignerRequiredError,
  StoaContractError,
  transfer,
} from "../src/index.ts";
import { devAccount, freshAccount, testClient, testNode } from "./helpers.ts";

const DEV_STOA_EACH = 100_000n * 10n ** 18n;

describe("token and contracts on the dev chain", function () {
  it("reads a dev account's STOA balance (token wei)", async function () {
    const stoa = await testClient();
    expect(await getBalance(stoa, { account: devAccount(4).address })).to.equal(DEV_STOA_EACH);
    expect(await stoa.getBalance({ account: freshAccount().address })).to.equal(0n);
  });

  it("delegates votes to oneself: getDelegate and getVotes follow", async function () {
    const holder = devAccount(3);
    const stoa = await testClient({ signer: holder });
    expect(await getVotes(stoa, { account: holder.address })).to.equal(0n);
    const { hash, receipt } = await delegate(stoa, { delegatee: holder.address });
    expect(receipt.transactionHash).to.equal(hash);
    expect(await getDelegate(stoa, { account: holder.address })).to.equal(holder.address);
    expect(await stoa.getVotes({ account: holder.address })).to.equal(DEV_STOA_EACH);
  });

  it("transfers STOA and reads with the generic typed readContract", async function () {
    const sender = devAccount(5);
    const receiver = freshAccount();
    const stoa = await testClient({ signer: sender });
    await transfer(stoa, { to: receiver.address, amount: parseEther("12.5") });
    expect(await stoa.getBalance({ account: receiver.address })).to.equal(parseEther("12.5"));
    const mode: string = await readContract(stoa, { contract: "token", functionName: "CLOCK_MODE" });
    expect(mode).to.equal("mode=timestamp");
    expect(await stoa.readContract({ contract: "token", functionName: "decimals" })).to.equal(18);
  });

  it("a revert is a StoaContractError with the custom error's name and arguments", async function () {
    const poor = freshAccount();
    const stoa = await testClient({ signer: poor });
    const error = (await stoa
      .transfer({ to: devAccount(1).address, amount: 7n })
      .catch((e: unknown) => e)) as StoaContractError;
    expect(error).to.be.instanceOf(StoaContractError);
    expect(error.name).to.equal("StoaContractError");
    expect([error.contract, error.functionName, error.errorName]).to.deep.equal([
      "token",
      "transfer",
      "ERC20InsufficientBalance",
    ]);
    expect(error.args).to.deep.equal([poor.address, 0n, 7n]);
  });

  it("takes the addresses from the node when no manifest is given", async function () {
    const { url, rpcUrl, chain } = await testNode();
    const { http } = await import("viem");
    const { createStoaClient } = await import("../src/index.ts");
    const stoa = createStoaClient({ node: url, provider: http(rpcUrl) });
    expect(await stoa.getBalance({ account: devAccount(4).address })).to.equal(DEV_STOA_EACH);
    const status = await stoa.getChainStatus();
    expect(status.chainId).to.equal(31337);
    expect(status.contracts.token!.address).to.equal(chain.manifest.contracts.token!.address);
  });

  it("refuses a provider on another chain than the deployment: ChainMismatchError", async function () {
    const { chain } = await testNode();
    const stoa = await testClient({ deployment: { ...chain.manifest, chainId: 1 } });
    const error = (await stoa.checkChain().catch((e: unknown) => e)) as ChainMismatchError;
    expect(error).to.be.instanceOf(ChainMismatchError);
    expect([error.expected, error.actual]).to.deep.equal([1, 31337]);
    expect(await (await testClient()).checkChain()).to.equal(31337);
  });

  it("names what is missing: SignerRequiredError, ProviderRequiredError", async function () {
    const stoa = await testClient();
    const noSigner = await stoa.delegate({ delegatee: devAccount(1).address }).catch((e: unknown) => e);
    expect(noSigner).to.be.instanceOf(SignerRequiredError);
    const noProvider = await (
      await testClient({ provider: undefined })
    )
      .getBalance({ account: devAccount(1).address })
      .catch((e: unknown) => e);
    expect(noProvider).to.be.instanceOf(ProviderRequiredError);
  });
});
