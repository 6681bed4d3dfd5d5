/**
 * Gasless polls in Chromium, across two real nodes (harness.ts): an account on node A creates a
 * poll from the form, votes; a second account on node B votes, then changes its vote; both pages
 * show the same results, the nodes' tallies agree, and "Re-verify" (verifyPollTally in the
 * browser: signatures checked, weights read from the chain) confirms them. Screenshots of each
 * page go to dapp/test-output/screenshots.
 */
import { expect } from "chai";
import { Contract, HDNodeWallet, JsonRpcProvider, Mnemonic, type ContractTransactionResponse } from "ethers";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot, startNodes, type TestNodes, connectedPage } from "./harness.ts";

const WAIT = { timeout: 30_000 };
const AUTHOR = 1;
const VOTER = 2;
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

describe("polls in Chromium: a poll made on node A, voted on A and B", function () {
  this.timeout(240_000);
  let nodes: TestNodes;
  let browser: Browser;
  let provider: JsonRpcProvider;
  const pageErrors: string[] = [];

  before(async function () {
    [nodes, browser] = await Promise.all([startNodes(), launchBrowser()]);
    provider = new JsonRpcProvider(nodes.rpcUrl, undefined, { cacheTimeout: -1, staticNetwork: true });
    // Both accounts delegate their 100,000 STOA to themselves, then a block passes: the poll's
    // snapshot (a second before the latest block) includes the delegations.
    const { address, abi } = nodes.a.ctx.chain.manifest.contracts.token!;
    const mnemonic = Mnemonic.fromPhrase(DEV_MNEMONIC);
    for (const index of [AUTHOR, VOTER]) {
      const wallet = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${index}`).connect(provider);
      const token = new Contract(address, abi as never, wallet);
      await ((await token.getFunction("delegate")(wallet.address)) as ContractTransactionResponse).wait();
    }
    await provider.send("evm_mine", []);
  });
  after(async function () {
    provider?.destroy();
    await browser?.close();
    await nodes?.stop();
  });
  afterEach(function () {
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  /** A page in its own browser context with its own wallet on dev account `index`, connected. */
  async function person(index: number, url: string): Promise<Page> {
    return (await connectedPage(browser, nodes.rpcUrl, { index, url, pageErrors })).page;
  }

  const tallyOf = async (url: string, id: string) => {
    const { readAt: _readAt, ...tally } = (await (await fetch(`${url}/v1/polls/${id}/tally`)).json()) as {
      readAt: unknown;
    };
    return tally;
  };

  it("creates a poll, two accounts vote (one changes), results and re-verify agree on both nodes", async function () {
    const a = await person(AUTHOR, `${nodes.a.url}/governance/polls`);
    await a.getByText("No polls yet.").waitFor(WAIT);
    await a.getByRole("link", { name: "New poll" }).click();
    await a.getByRole("heading", { level: 1, name: "New poll" }).waitFor(WAIT);

    // The form says what is wrong, per field, before anything is signed.
    await a.getByRole("button", { name: "Publish the poll" }).click();
    await a.getByText("A question is one line of 1-200 characters.").waitFor(WAIT);
    await a.getByText("An answer is one line of 1-100 characters.").first().waitFor(WAIT);

    await a.getByLabel("Question").fill("Should the DAO fund a second relay?");
    await a.getByLabel("Details (Markdown, optional)").fill("## Why\n\nNode B in Lisbon drops **a third** of peers.");
    await a.getByRole("textbox", { name: "Answer 1", exact: true }).fill("Yes");
    await a.getByRole("textbox", { name: "Answer 2", exact: true }).fill("yes ");
    await a.getByText("Answers must differ from each other.").waitFor(WAIT);
    await a.getByRole("textbox", { name: "Answer 2", exact: true }).fill("No");
    await a.getByRole("button", { name: "Add an answer" }).click();
    await a.getByRole("textbox", { name: "Answer 3", exact: true }).fill("Abstain");
    await screenshot(a, "polls-new");
    await a.getByRole("button", { name: "Publish the poll" }).click();
    await a.getByRole("heading", { level: 1, name: "Should the DAO fund a second relay?" }).waitFor(WAIT);
    await a.getByRole("heading", { level: 2, name: "Why" }).waitFor(WAIT);
    const pollPath = new URL(a.url()).pathname;
    const id = pollPath.split("/").pop()!;

    await a.getByRole("radio", { name: "Yes" }).check();
    await a.getByRole("button", { name: "Cast vote" }).click();
    await a.getByText("Vote recorded").waitFor(WAIT);
    await a.getByTestId("my-vote").getByText("Yes").waitFor(WAIT);

    // The second account, on node B, once the poll has replicated there.
    const b = await person(VOTER, `${nodes.b.url}${pollPath}`);
    const heading = b.getByRole("heading", { level: 1, name: "Should the DAO fund a second relay?" });
    for (let attempt = 0; !(await heading.isVisible()); attempt++) {
      if (attempt > 60) throw new Error("node B never showed the poll");
      await b.waitForTimeout(500);
      await b.reload();
      await heading.or(b.getByText("The poll did not load")).waitFor(WAIT);
    }
    await b.getByRole("radio", { name: "No" }).check();
    await b.getByLabel("Reason (optional, public)").fill("One relay is enough for now.");
    await b.getByRole("button", { name: "Cast vote" }).click();
    await b.getByTestId("my-vote").getByText("No").waitFor(WAIT);
    // ... and changes its mind: the later vote replaces the earlier one.
    await b.getByRole("radio", { name: "Yes" }).check();
    await b.getByRole("button", { name: "Change vote" }).click();
    await b.getByTestId("my-vote").getByText("Yes").waitFor(WAIT);

    for (const page of [a, b]) {
      await page
        .getByTestId("voters")
        .getByText(/^2 voters · 200,000 STOA/)
        .waitFor(WAIT);
      await page.getByTestId("score-0").getByText("200,000 STOA · 100%").waitFor(WAIT);
      await page.getByTestId("score-1").getByText("0 STOA · 0%").waitFor(WAIT);
      await page.getByRole("button", { name: "Re-verify" }).click();
      await page.getByText("Verified: the tally matches").waitFor(WAIT);
    }
    await screenshot(b, "polls-poll");
    expect(await tallyOf(nodes.a.url, id)).to.deep.equal(await tallyOf(nodes.b.url, id));

    await a.goto(`${nodes.a.url}/governance/polls?state=active`);
    await a.getByTestId("polls").getByRole("link", { name: "Should the DAO fund a second relay?" }).waitFor(WAIT);
    await a.getByRole("button", { name: "Closed" }).click();
    await a.getByText("No closed polls.").waitFor(WAIT);
    await a.getByRole("button", { name: "All" }).click();
    await a.getByTestId("polls").getByRole("link", { name: "Should the DAO fund a second relay?" }).waitFor(WAIT);
    await screenshot(a, "polls-list");
  });
});
