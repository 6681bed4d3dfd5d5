/**
 * The dApp in Chromium against two real nodes (see harness.ts): connect a wallet found through
 * EIP-6963, sign in, write a profile with an avatar and read it from the second node; a rejected
 * signature; switching accounts switches sessions; the token page's delegation with its pending
 * and mined states; the node page; keyboard use. Each page is screenshotted into
 * dapp/test-output/screenshots for review.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { gradientPng, launchBrowser, screenshot, startNodes, TestWallet, type TestNodes } from "./harness.ts";

const WAIT = { timeout: 30_000 };
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

describe("dApp in Chromium, two nodes", function () {
  this.timeout(180_000);
  let nodes: TestNodes;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    [nodes, browser] = await Promise.all([startNodes(), launchBrowser()]);
    wallet = new TestWallet(nodes.rpcUrl);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await wallet.install(context);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(nodes.a.url);
  });

  after(async function () {
    await browser?.close();
    await nodes?.stop();
  });

  afterEach(function () {
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  const account = () => page.getByTestId("account");
  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
  const signInButton = () => page.getByRole("button", { name: "Sign in", exact: true });
  const signOutButton = () => page.getByRole("button", { name: "Sign out" });

  it("shows the home page without a wallet, and the wallet dialog works from the keyboard", async function () {
    await page.getByRole("heading", { level: 1 }).waitFor(WAIT);
    await page.getByText("online").waitFor(WAIT);
    await screenshot(page, "home");
    // Tab to "Connect wallet", open the dialog with Enter, close it with Escape.
    let focused = "";
    for (let i = 0; i < 20 && focused !== "Connect wallet"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
    }
    expect(focused).to.equal("Connect wallet");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
    await dialog.waitFor(WAIT);
    await dialog.getByRole("button", { name: "Stoa Test Wallet" }).waitFor(WAIT);
    await dialog.getByRole("heading", { name: "Dev wallet" }).waitFor(WAIT);
    await screenshot(page, "connect-dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", ...WAIT });
  });

  it("connects through EIP-6963, signs in with SIWE, and keeps the session over a reload", async function () {
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Stoa Test Wallet" }).click();
    await account().getByText(short(wallet.address())).waitFor(WAIT);
    await signInButton().click();
    await signOutButton().waitFor(WAIT);
    expect(wallet.calls).to.include("personal_sign");
    await page.reload();
    await account().getByText(short(wallet.address())).waitFor(WAIT);
    await signOutButton().waitFor(WAIT);
  });

  it("edits the profile with an avatar; the second node serves it", async function () {
    await nav("Profile").click();
    await page.getByRole("button", { name: "Create your profile" }).click();
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Bio").fill("Writes programs for engines that do not exist yet.");
    await page.getByLabel("Location").fill("London");
    await page.getByLabel(/^Links/).fill("https://example.org/ada");
    await page.getByLabel("Avatar").setInputFiles({ name: "ada.png", mimeType: "image/png", buffer: gradientPng() });
    await page.getByRole("img", { name: "New avatar preview" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Saved. Other nodes receive it within seconds.").waitFor(WAIT);
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor(WAIT);
    const avatar = page.getByRole("img", { name: "Ada Lovelace's avatar" });
    await avatar.waitFor(WAIT);
    expect(await avatar.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).to.equal(64);
    await screenshot(page, "profile");

    // Node B: its own dApp, its own API and gateway. The profile arrives over libp2p.
    const other = await context.newPage();
    const deadline = Date.now() + 30_000;
    await other.goto(`${nodes.b.url}/profile/${wallet.address()}`);
    // Each load shows the profile or "no profile on this node yet"; reload until it is the profile.
    const heading = other.getByRole("heading", { name: "Ada Lovelace" });
    const notYet = other.getByText("This account has no profile on this node yet.");
    for (;;) {
      await heading.or(notYet).waitFor(WAIT);
      if (await heading.isVisible()) break;
      if (Date.now() > deadline) throw new Error("node B never served the profile");
      await other.waitForTimeout(250);
      await other.reload();
    }
    await other.getByText("London").waitFor(WAIT);
    const remoteAvatar = other.getByRole("img", { name: "Ada Lovelace's avatar" });
    expect(await remoteAvatar.getAttribute("src")).to.equal(
      `${nodes.b.url}${(await avatar.getAttribute("src"))!.slice(nodes.a.url.length)}`,
    );
    expect(await remoteAvatar.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).to.equal(
      64,
    );
    await screenshot(other, "profile-on-node-b");
    await other.close();
  });

  it("a rejected signature says so and leaves the person signed out", async function () {
    await signOutButton().click();
    await signInButton().waitFor(WAIT);
    wallet.rejectNext();
    await signInButton().click();
    const alert = page.getByRole("alert");
    await alert.getByText("You declined the request in your wallet. Nothing was signed or sent.").waitFor(WAIT);
    await screenshot(page, "rejected-signature");
    await signInButton().waitFor(WAIT);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("stoa.session")));
    expect(stored).to.deep.equal([]);
    // Signing in again works.
    await signInButton().click();
    await signOutButton().waitFor(WAIT);
  });

  it("switching accounts switches sessions", async function () {
    const first = wallet.address();
    await wallet.switchTo(2);
    await account()
      .getByText(short(wallet.address(2)))
      .waitFor(WAIT);
    await signInButton().waitFor(WAIT);
    await signInButton().click();
    await signOutButton().waitFor(WAIT);
    // Back to the first account: its session is still there (checked with the node), no new signature.
    const signatures = wallet.calls.filter((call) => call === "personal_sign").length;
    await wallet.switchTo(1);
    await account().getByText(short(first)).waitFor(WAIT);
    await signOutButton().waitFor(WAIT);
    expect(wallet.calls.filter((call) => call === "personal_sign").length).to.equal(signatures);
    // The profile page follows the account.
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor(WAIT);
  });

  it("token page: balance, delegation pending then mined, voting power", async function () {
    await nav("Token").click();
    await page.getByTestId("balance").getByText("100,000 STOA").waitFor(WAIT);
    await page.getByTestId("delegatee").getByText("nobody yet").waitFor(WAIT);
    await page.getByRole("button", { name: "Delegate to myself" }).click();
    await page.getByText(/Delegate votes: done/).waitFor(WAIT);
    await page.getByText(/In block \d+/).waitFor(WAIT);
    await page.getByTestId("votes").getByText("100,000 STOA").waitFor(WAIT);
    await page.getByTestId("delegatee").getByText("yourself").waitFor(WAIT);
    expect(wallet.calls).to.include("eth_sendTransaction");
    // The dev faucet: 1,000 STOA more.
    await page.getByRole("button", { name: "Get test STOA" }).click();
    const faucet = page.locator(".card").filter({ has: page.getByRole("heading", { name: "Dev faucet" }) });
    await faucet.locator(".notice").waitFor(WAIT);
    expect(await faucet.locator(".notice").textContent()).to.match(/Received 1,000 STOA/);
    await page.getByTestId("balance").getByText("101,000 STOA").waitFor(WAIT);
    // A transfer the wallet declines: a clear message, nothing sent.
    await page.getByLabel("To", { exact: true }).fill(wallet.address(3));
    await page.getByLabel("Amount (STOA)").fill("5");
    wallet.rejectNext();
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.getByText("You declined the request in your wallet. Nothing was signed or sent.").waitFor(WAIT);
    await page.getByTestId("balance").getByText("101,000 STOA").waitFor(WAIT);
    await screenshot(page, "token");
  });

  it("node page: peers, databases with counts, chain head, live metrics", async function () {
    await nav("Node").click();
    await page.getByTestId("peer-count").getByText("1", { exact: true }).waitFor(WAIT);
    await page
      .getByTestId("chain-head")
      .getByText(/^#\d+$/)
      .waitFor(WAIT);
    await page.getByTestId("records-profiles").getByText("1", { exact: true }).waitFor(WAIT);
    const peerRow = page.getByRole("row").filter({ hasText: nodes.b.ctx.node.peerId.toString() });
    await peerRow.waitFor(WAIT);
    // Samples every 2 s: a line of at least two points per chart.
    const memory = page.getByRole("img", { name: /^Memory \(RSS\): now/ });
    await memory.waitFor(WAIT);
    await page.waitForFunction(
      () => (document.querySelector(".spark polyline")?.getAttribute("points") ?? "").split(" ").length >= 2,
      undefined,
      WAIT,
    );
    await screenshot(page, "node");
  });

  it("the dev wallet: offered by a dev-chain node only, signs in the page with a funded dev account", async function () {
    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByLabel("Account").selectOption("4");
    await page.getByRole("button", { name: "Use dev account" }).click();
    const creator = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
    await account().getByText(short(creator)).waitFor(WAIT);
    const asked = wallet.calls.length;
    await signInButton().click();
    await signOutButton().waitFor(WAIT);
    await nav("Token").click();
    await page.getByTestId("balance").getByText("100,000 STOA").waitFor(WAIT);
    expect(wallet.calls.length, "the injected wallet was not asked").to.equal(asked);
    // Node B follows the chain over RPC: no dev wallet there.
    const other = await context.newPage();
    await other.goto(nodes.b.url);
    await other.getByRole("button", { name: "Connect wallet" }).click();
    await other.getByRole("button", { name: "Stoa Test Wallet" }).waitFor(WAIT);
    expect(await other.getByRole("heading", { name: "Dev wallet" }).count()).to.equal(0);
    await other.close();
  });

  it("a narrow screen gets the same pages, laid out for it", async function () {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${nodes.a.url}/profile/${wallet.address(1)}`);
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor(WAIT);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "horizontal overflow in px").to.be.at.most(0);
    await screenshot(page, "profile-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
