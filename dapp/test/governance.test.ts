/**
 * On-chain governance in Chromium against a real node and its dev chain: three accounts delegate
 * to themselves, one proposes a marketplace fee change, all three vote with reasons, the dev
 * chain's clock moves past the vote, the proposal is queued and, after the timelock's delay,
 * executed; the fee changes on chain and on the governance page.
 */
import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot, startNodes, type TestNodes, connectedPage } from "./harness.ts";

const WAIT = { timeout: 30_000 };

describe("governance in Chromium: delegate, propose, vote, queue, execute", function () {
  this.timeout(240_000);
  let nodes: TestNodes;
  let browser: Browser;
  let provider: JsonRpcProvider;
  const pageErrors: string[] = [];

  before(async function () {
    [nodes, browser] = await Promise.all([startNodes({ second: false }), launchBrowser()]);
    provider = new JsonRpcProvider(nodes.rpcUrl, undefined, { cacheTimeout: -1, staticNetwork: true });
  });
  after(async function () {
    provider?.destroy();
    await browser?.close();
    await nodes?.stop();
  });
  afterEach(function () {
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  /** Moves the dev chain's clock on by `seconds` and mines a block. */
  async function advance(seconds: number): Promise<void> {
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
  }

  /** A page in its own browser context with its own wallet on dev account `index`, connected. */
  async function person(index: number, url: string): Promise<Page> {
    return (await connectedPage(browser, nodes.rpcUrl, { index, url, pageErrors })).page;
  }

  it("changes the marketplace fee by a vote of three delegates, through the timelock", async function () {
    const url = nodes.a.url;
    const voters = [await person(1, `${url}/governance/delegates`)];
    voters.push(await person(2, `${url}/governance/delegates`), await person(3, `${url}/governance/delegates`));
    for (const page of voters) {
      await page.getByRole("button", { name: "Delegate to myself" }).click();
      await page.getByText("Delegate votes: done").waitFor(WAIT);
      await page.getByTestId("my-delegation").getByText("yourself").waitFor(WAIT);
    }
    await advance(1); // voting power counts from the next second
    const [alice, bob, carol] = voters as [Page, Page, Page];
    await alice.getByTestId("delegates").getByRole("row").nth(3).waitFor(WAIT);
    await screenshot(alice, "governance-delegates");

    // The form checks its fields before anything is signed.
    await alice.goto(`${url}/governance/proposals/new`);
    await alice.getByTestId("can-propose").waitFor(WAIT);
    await alice.getByRole("button", { name: "Submit the proposal" }).click();
    await alice.getByText("Give the proposal a title.").waitFor(WAIT);
    await alice.getByLabel("New fee (%)").fill("250");
    await alice.getByText("Enter a percentage from 0 to 100 with at most two decimals.").waitFor(WAIT);

    await alice.getByLabel("Title").fill("Set the marketplace fee to 2.5%");
    await alice.getByLabel("Description (Markdown)").fill("## Why\n\nThe treasury pays for **arbiters' training**.");
    await alice.getByLabel("New fee (%)").fill("2.5");
    await alice.getByTestId("summary").getByText("Set the marketplace fee to 2.5%").waitFor(WAIT);
    await screenshot(alice, "governance-new-proposal");
    await alice.getByRole("button", { name: "Submit the proposal" }).click();
    await alice.getByRole("heading", { level: 1, name: "Set the marketplace fee to 2.5%" }).waitFor(WAIT);
    const proposalPath = new URL(alice.url()).pathname;
    expect(proposalPath).to.match(/^\/governance\/proposals\/\d+$/);
    await alice.getByRole("heading", { name: "Why" }).waitFor(WAIT); // the body, from IPFS
    await alice
      .getByText(/Voting opens/)
      .first()
      .waitFor(WAIT);

    await advance(61);
    const reasons = ["Arbiters need training", "", "Too high for small sellers"];
    const supports = ["For", "For", "Against"];
    for (const [i, page] of voters.entries()) {
      await page.goto(`${url}${proposalPath}`);
      await page.getByRole("heading", { name: "Cast your vote" }).waitFor(WAIT);
      await page.getByText(/Your vote counts 100,000 STOA/).waitFor(WAIT);
      await page.getByRole("radio", { name: supports[i]!, exact: true }).check();
      await page.getByLabel("Reason (optional, public)").fill(reasons[i]!);
      await page.getByRole("button", { name: "Submit vote" }).click();
      await page.getByRole("status").getByText("You voted").waitFor(WAIT);
    }
    const voterRows = carol.getByTestId("voters").getByRole("row");
    await voterRows.nth(3).waitFor(WAIT);
    await carol.getByTestId("voters").getByText("Too high for small sellers").waitFor(WAIT);
    await screenshot(carol, "governance-proposal-voting");

    await advance(3_601);
    await bob.reload();
    await bob.getByRole("button", { name: "Queue" }).click();
    await bob.getByText("Queue the proposal: done").waitFor(WAIT);
    await bob.getByRole("heading", { name: "Queued in the timelock" }).waitFor(WAIT);
    expect(await bob.getByRole("button", { name: "Execute" }).isDisabled(), "executable before the delay").to.equal(
      true,
    );

    // The dev chain's clock moved by the page's own dev-only button.
    await bob.getByRole("button", { name: "Dev chain: skip to the end of the timelock's delay" }).click();
    const execute = bob.getByRole("button", { name: "Execute" });
    await execute.waitFor(WAIT);
    await bob.waitForFunction(() => {
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Execute");
      return button !== undefined && !button.disabled;
    });
    await execute.click();
    await bob.getByText("Execute the proposal: done").or(bob.getByText("Execute the proposal: failed")).waitFor(WAIT);
    if (await bob.getByText("Execute the proposal: failed").isVisible()) {
      throw new Error(`execute failed: ${await bob.getByRole("alert").first().innerText()}`);
    }
    await bob.getByText("Executed: its actions are in effect.").waitFor(WAIT);
    await screenshot(bob, "governance-proposal-executed");

    const registry = nodes.a.ctx.chain.manifest.contracts.registry!;
    const params = (await new Contract(registry.address, registry.abi as never, provider).params!()) as {
      protocolFeeBps: bigint;
    };
    expect(params.protocolFeeBps).to.equal(250n);

    await alice.goto(`${url}/governance`);
    await alice.getByTestId("marketplace-fee").getByText("2.5%").waitFor(WAIT);
    await alice.getByTestId("proposals").getByText("Executed").waitFor(WAIT);
    await screenshot(alice, "governance-proposals");
  });
});
