/**
 * The market in Chromium, across two real nodes (harness.ts): a seller on node A lists an item
 * with an image; a buyer on node B finds it by search, pays into escrow in ETH; they exchange
 * encrypted notes (shipping details, "shipped"); the buyer releases the payment and reviews the
 * seller. Balances are checked on chain: the seller receives the price minus the protocol fee,
 * the treasury the fee. Screenshots of each market page go to dapp/test-output/screenshots.
 */
import { expect } from "chai";
import { Contract, JsonRpcProvider, parseEther, Wallet, type ContractTransactionResponse } from "ethers";
import type { Browser, Page } from "playwright-core";
import {
  gradientPng,
  launchBrowser,
  screenshot,
  startNodes,
  TestWallet,
  type TestNodes,
  connectedPage,
} from "./harness.ts";

const WAIT = { timeout: 30_000 };
const SELLER = 4;
const BUYER = 5;
const ARBITER = 7;
const DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("market in Chromium: seller on node A, buyer on node B", function () {
  this.timeout(240_000);
  let nodes: TestNodes;
  let browser: Browser;
  let provider: JsonRpcProvider;
  const pageErrors: string[] = [];

  before(async function () {
    [nodes, browser] = await Promise.all([startNodes(), launchBrowser()]);
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

  /** A page in its own browser context with its own wallet on dev account `index`, connected. */
  async function person(index: number, url: string): Promise<{ page: Page; wallet: TestWallet }> {
    return connectedPage(browser, nodes.rpcUrl, { index, url, pageErrors });
  }

  it("lists, finds by search on another node, pays into escrow, ships with encrypted notes, releases, reviews", async function () {
    const seller = await person(SELLER, `${nodes.a.url}/market/new`);
    const { page: s } = seller;
    await s.getByLabel("Title").fill("Brass reading lamp");
    await s.getByLabel("Description").fill("A 1950s brass lamp with a green glass shade. Rewired, works well.");
    await s.getByLabel("Category").fill("lighting");
    await s.getByLabel(/^Price/).fill("1.5");
    await s
      .getByLabel("Add images")
      .setInputFiles({ name: "lamp.png", mimeType: "image/png", buffer: gradientPng(96) });
    await screenshot(s, "market-new-listing");
    await s.getByRole("button", { name: "Publish the listing" }).click();
    await s.getByRole("heading", { level: 1, name: "Brass reading lamp" }).waitFor(WAIT);
    await s.getByRole("heading", { name: "Your listing" }).waitFor(WAIT);

    // The buyer, on node B, finds it by search once it has replicated.
    const buyer = await person(BUYER, `${nodes.b.url}/market`);
    const { page: b } = buyer;
    const result = b.getByTestId("results").getByRole("link", { name: "Brass reading lamp" });
    const deadline = Date.now() + 30_000;
    for (;;) {
      await b.getByLabel("Search listings").fill("brass lamp");
      await b.getByRole("button", { name: "Search", exact: true }).click();
      await result.or(b.getByText("Nothing matches this search.")).waitFor(WAIT);
      if (await result.isVisible()) break;
      if (Date.now() > deadline) throw new Error("node B never found the listing");
      await b.waitForTimeout(300);
    }
    await screenshot(b, "market-search");
    await result.click();
    const image = b.getByRole("img", { name: "Brass reading lamp, image 1" });
    await image.waitFor(WAIT);
    expect(await image.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).to.equal(96);

    const sellerAddress = buyer.wallet.address(SELLER);
    const sellerBefore = await provider.getBalance(sellerAddress);
    await b.getByLabel("Arbiter").selectOption(buyer.wallet.address(ARBITER));
    await screenshot(b, "market-listing");
    await b.getByRole("button", { name: "Pay 1.5 ETH into escrow" }).click();
    await b.getByRole("heading", { level: 1, name: /^Order #\d+$/ }).waitFor(WAIT);
    const orderPath = new URL(b.url()).pathname;
    await b.getByTestId("order-status").getByText("paid into escrow").waitFor(WAIT);

    // The seller sees the order, and opens the notes (which publishes the key buyers encrypt to).
    await s.goto(`${nodes.a.url}${orderPath}`);
    await s.getByTestId("order-status").getByText("paid into escrow").waitFor(WAIT);
    await s.getByRole("button", { name: "Open notes" }).click();
    await s.getByText("No notes yet.").waitFor(WAIT);

    // The buyer sends shipping details, encrypted to the seller (retried until the seller's key has replicated to B).
    await b.getByRole("button", { name: "Open notes" }).click();
    await b.getByText("No notes yet.").waitFor(WAIT);
    const sent = b.getByText("Sent, encrypted to the other party.");
    for (let attempt = 0; ; attempt++) {
      await b.getByLabel("Note to the seller").fill("Ship to: Hypatia, 1 Agora Street, Alexandria");
      await b.getByRole("button", { name: "Send", exact: true }).click();
      await sent.or(b.getByText(/has not set up encrypted order notes yet/)).waitFor(WAIT);
      if (await sent.isVisible()) break;
      if (attempt > 40) throw new Error("the seller's note key never reached node B");
      await b.waitForTimeout(500);
    }
    await s.getByText("Ship to: Hypatia, 1 Agora Street, Alexandria").waitFor(WAIT);
    await s.getByLabel("Note to the buyer").fill("Shipped with tracking number AG-1962.");
    await s.getByRole("button", { name: "Send", exact: true }).click();
    await b.getByText("Shipped with tracking number AG-1962.").waitFor(WAIT);
    await screenshot(b, "market-order-notes");

    // Release, then review.
    await b.getByRole("button", { name: "Release the payment" }).click();
    await b.getByText("Release the payment: done").waitFor(WAIT);
    await b.getByTestId("order-status").getByText("settled: released").waitFor(WAIT);
    await b.getByLabel("Your review").fill("Beautiful lamp, carefully packed.");
    await b.getByRole("button", { name: "Publish the review" }).click();
    await b.getByText("You reviewed this order. Thank you.").waitFor(WAIT);
    await screenshot(b, "market-order-settled");

    // On chain: the seller received the price minus the protocol fee; sweeping sends the fee to the treasury.
    const price = parseEther("1.5");
    const market = nodes.a.ctx.chain.manifest.contracts.marketplace!;
    const registry = nodes.a.ctx.chain.manifest.contracts.registry!;
    const marketplace = new Contract(market.address, market.abi as never, new Wallet(DEV_KEY_0, provider));
    const { protocolFeeBps } = (await new Contract(registry.address, registry.abi as never, provider).params!()) as {
      protocolFeeBps: bigint;
    };
    const fee = (price * protocolFeeBps) / 10_000n;
    expect(fee).to.be.greaterThan(0n);
    expect((await provider.getBalance(sellerAddress)) - sellerBefore).to.equal(price - fee);
    const treasury = (await new Contract(registry.address, registry.abi as never, provider).treasury!()) as string;
    expect(await marketplace.accruedFees!("0x0000000000000000000000000000000000000000")).to.equal(fee);
    const treasuryBefore = await provider.getBalance(treasury);
    const sweep = (await marketplace.sweepFees!(
      "0x0000000000000000000000000000000000000000",
    )) as ContractTransactionResponse;
    await sweep.wait();
    expect((await provider.getBalance(treasury)) - treasuryBefore).to.equal(fee);

    // The seller's rating shows on the listing, on both nodes.
    await s.goto(`${nodes.a.url}/market?q=brass`);
    await s.getByLabel("Rated 5 of 5 from 1 reviews").waitFor(WAIT);
    await screenshot(s, "market-rated");
    await s.goto(`${nodes.a.url}/market/orders`);
    await s.getByRole("tab", { name: "Selling" }).click();
    await s.getByRole("cell", { name: "Brass reading lamp" }).waitFor(WAIT);
    await screenshot(s, "market-orders");
  });

  it("dUSD with a permit: disputed by the buyer, ruled 70/30 by the arbiter in the page; balances exact", async function () {
    const seller = await person(2, `${nodes.a.url}/market/new`);
    const { page: s } = seller;
    await s.getByLabel("Title").fill("Rangefinder film camera");
    await s.getByLabel("Description").fill("1958 rangefinder, shutter serviced, lens clean.");
    await s.getByLabel("Category").fill("cameras");
    await s.getByLabel("Currency").selectOption({ label: "dUSD" });
    await s.getByLabel(/^Price/).fill("250");
    await s.getByRole("button", { name: "Publish the listing" }).click();
    await s.getByRole("heading", { level: 1, name: "Rangefinder film camera" }).waitFor(WAIT);
    const listingPath = new URL(s.url()).pathname;

    const price = 250_000_000n; // 250 dUSD, 6 decimals
    const dusd = nodes.a.ctx.chain.manifest.contracts.devStablecoin!;
    const token = new Contract(dusd.address, dusd.abi as never, new Wallet(DEV_KEY_0, provider));
    const buyerAddress = seller.wallet.address(3);
    await ((await token.faucet!(buyerAddress, price)) as ContractTransactionResponse).wait();

    // The buyer opens the listing on node B (reloading until it has replicated) and pays.
    const buyer = await person(3, `${nodes.b.url}${listingPath}`);
    const { page: b } = buyer;
    const heading = b.getByRole("heading", { level: 1, name: "Rangefinder film camera" });
    for (let attempt = 0; !(await heading.isVisible()); attempt++) {
      if (attempt > 60) throw new Error("node B never served the listing");
      await b.waitForTimeout(500);
      await b.reload();
      await heading.or(b.getByText("Could not load the listing")).waitFor(WAIT);
    }
    await b.getByLabel("Arbiter").selectOption(buyer.wallet.address(ARBITER));
    const calls = buyer.wallet.calls.length;
    await b.getByRole("button", { name: "Pay 250 dUSD into escrow" }).click();
    const ordered = b.getByRole("heading", { level: 1, name: /^Order #\d+$/ });
    await ordered.or(b.getByRole("alert")).first().waitFor(WAIT);
    if (!(await ordered.isVisible()))
      throw new Error(`paying failed: ${await b.getByRole("alert").first().innerText()}`);
    // One permit signature, one transaction.
    const asked = buyer.wallet.calls.slice(calls);
    expect(asked.filter((m) => m === "eth_signTypedData_v4")).to.have.length(1);
    expect(asked.filter((m) => m === "eth_sendTransaction")).to.have.length(1);
    const orderPath = new URL(b.url()).pathname;
    await b.getByRole("button", { name: "Open a dispute" }).click();
    await b.getByTestId("order-status").getByText("disputed").waitFor(WAIT);

    const balance = async (who: string) => (await token.balanceOf!(who)) as bigint;
    const sellerAddress = buyer.wallet.address(2);
    const arbiterAddress = buyer.wallet.address(ARBITER);
    const before = await Promise.all([buyerAddress, sellerAddress, arbiterAddress].map(balance));
    const arbiter = await person(ARBITER, `${nodes.a.url}${orderPath}`);
    const { page: r } = arbiter;
    await r.getByTestId("order-status").getByText("disputed").waitFor(WAIT);
    await r.getByLabel("Buyer's share (%)").fill("70");
    await screenshot(r, "market-arbiter");
    await r.getByRole("button", { name: "Rule: 70% to the buyer, 30% to the seller" }).click();
    await r.getByText("Rule: done").waitFor(WAIT);
    await r.getByTestId("order-status").getByText("settled: ruled").waitFor(WAIT);

    const registry = nodes.a.ctx.chain.manifest.contracts.registry!;
    const params = (await new Contract(registry.address, registry.abi as never, provider).params!()) as {
      protocolFeeBps: bigint;
      arbiterFeeBps: bigint;
    };
    const arbiterFee = (price * params.arbiterFeeBps) / 10_000n;
    const rest = price - arbiterFee;
    const toBuyer = (rest * 7_000n) / 10_000n;
    const toSeller = rest - toBuyer - ((rest - toBuyer) * params.protocolFeeBps) / 10_000n;
    const after = await Promise.all([buyerAddress, sellerAddress, arbiterAddress].map(balance));
    expect(after.map((v, i) => v - before[i]!)).to.deep.equal([toBuyer, toSeller, arbiterFee]);
    await r.getByTestId("split").waitFor(WAIT);
    await screenshot(r, "market-ruled");
  });

  it("an NFT: minted and listed by signed order in the page, bought in one transaction; royalty in the fill", async function () {
    const creator = await person(6, `${nodes.a.url}/market/new`);
    const { page: c } = creator;
    await c.getByLabel("A digital asset as an NFT (StoaAssets)").check();
    await c.getByLabel("Title").fill("Bust of Hypatia, 3D scan");
    await c.getByLabel("Description").fill("Photogrammetry scan, 2 million triangles, glTF.");
    await c.getByLabel("Category").fill("3d-models");
    await c.getByLabel(/^Price/).fill("2");
    await c
      .getByLabel("Add images")
      .setInputFiles({ name: "bust.png", mimeType: "image/png", buffer: gradientPng(80) });
    await screenshot(c, "market-new-nft");
    await c.getByRole("button", { name: "Publish the NFT listing" }).click();
    await c.getByRole("heading", { level: 1, name: "Bust of Hypatia, 3D scan" }).waitFor(WAIT);
    const listingPath = new URL(c.url()).pathname;

    const buyer = await person(8, `${nodes.a.url}${listingPath}`);
    const { page: b } = buyer;
    const creatorAddress = buyer.wallet.address(6);
    const creatorBefore = await provider.getBalance(creatorAddress);
    await b.getByRole("button", { name: "Buy now" }).click();
    await b.getByText("Buy the asset: done").waitFor(WAIT);
    await screenshot(b, "market-nft-bought");

    const exchange = nodes.a.ctx.chain.manifest.contracts.assetExchange!;
    const assets = nodes.a.ctx.chain.manifest.contracts.stoaAssets!;
    const filled = new Contract(exchange.address, exchange.abi as never, provider);
    const [event] = (await filled.queryFilter(filled.filters.AssetOrderFilled!())) as unknown as {
      args: { buyer: string; tokenId: bigint; royalty: bigint; royaltyReceiver: string; protocolFee: bigint };
    }[];
    const price = parseEther("2");
    expect(event!.args.buyer.toLowerCase()).to.equal(buyer.wallet.address(8));
    expect(event!.args.royalty).to.equal((price * 500n) / 10_000n);
    expect(event!.args.royaltyReceiver.toLowerCase()).to.equal(creatorAddress);
    const owner = (await new Contract(assets.address, assets.abi as never, provider).ownerOf!(
      event!.args.tokenId,
    )) as string;
    expect(owner.toLowerCase()).to.equal(buyer.wallet.address(8));
    // The creator sold and receives the royalty too: price minus the protocol fee.
    expect((await provider.getBalance(creatorAddress)) - creatorBefore).to.equal(price - event!.args.protocolFee);
  });
});
