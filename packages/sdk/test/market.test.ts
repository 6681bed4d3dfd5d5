/**
 * The marketplace through the SDK against a real daemon and its dev chain: listings searched in
 * the node's index, orders paid into the Marketplace's escrow and settled every way, reviews that
 * the node accepts only when the chain backs them, and the refusals.
 */
import { expect } from "chai";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  type Address,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { NoteDecryptError, openOrderNote, type OrderNoteV1 } from "@stoa/protocol";
import {
  devStablecoinAbi,
  NoteKeyMissingError,
  NotListingOwnerError,
  signRecord,
  StoaApiError,
  StoaContractError,
  type ApiMarketOrder,
  type StoaClient,
} from "../src/index.ts";
import { devAccount, freshAccount, testClient, testNode, eventually } from "./helpers.ts";

const ETH = "0x0000000000000000000000000000000000000000";
const ARBITER = devAccount(7);
const BPS = 10_000n;
const fee = (amount: bigint, bps: number) => (amount * BigInt(bps)) / BPS;

describe("market: listings, escrowed orders, reviews", function () {
  this.timeout(120_000);
  let rpc: PublicClient;
  let treasury: Address;
  let dusd: Address;
  let marketplace: Address;

  /** A fresh account with 10 ETH from dev account 0, signed in to the node. */
  async function party(): Promise<{ account: PrivateKeyAccount; stoa: StoaClient }> {
    const account = freshAccount();
    const { rpcUrl } = await testNode();
    const funder = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
    const hash = await funder.sendTransaction({ to: account.address, value: parseEther("10"), chain: null });
    await rpc.waitForTransactionReceipt({ hash });
    const stoa = await testClient({ signer: account });
    await stoa.signIn();
    return { account, stoa };
  }

  const balance = (token: Address, who: Address) =>
    token === ETH
      ? rpc.getBalance({ address: who })
      : rpc.readContract({ address: token, abi: devStablecoinAbi, functionName: "balanceOf", args: [who] });

  const settled = (stoa: StoaClient, orderId: bigint) =>
    eventually(
      () => stoa.getOrder({ orderId }),
      (o) => o.status === "settled",
      `order ${orderId} settled in the index`,
    );

  async function list(stoa: StoaClient, fields: Partial<Parameters<StoaClient["createListing"]>[0]> = {}) {
    const { records } = await stoa.createListing({
      title: "Walnut writing desk",
      description: "Solid walnut, two drawers, made in 1962. Collect or ship.",
      category: "furniture",
      price: parseEther("1").toString(),
      currency: "ETH",
      kind: "physical",
      ...fields,
    });
    return await stoa.getListing({ id: records[0]!.id });
  }

  before(async function () {
    const { rpcUrl, chain } = await testNode();
    rpc = createPublicClient({ transport: http(rpcUrl) });
    const stoa = await testClient();
    treasury = await stoa.readContract({ contract: "registry", functionName: "treasury" });
    dusd = chain.manifest.contracts.devStablecoin!.address as Address;
    marketplace = chain.manifest.contracts.marketplace!.address as Address;
  });

  it("ETH: listed with an image, found by search, paid into escrow, released, reviewed; balances exact", async function () {
    const seller = await party();
    const buyer = await party();
    const { cid } = await seller.stoa.addContent({ content: new Uint8Array(2_000).fill(7) });
    const listing = await list(seller.stoa, { images: [cid], title: "Walnut writing desk, 1962" });
    expect(listing.sellerRating).to.deep.equal({ count: 0, average: null });

    const found = await buyer.stoa.searchListings({
      q: "walnut",
      category: "furniture",
      seller: seller.account.address,
    });
    expect(found.items.map((l) => l.id)).to.deep.equal([listing.id]);
    expect((found.items[0]!.body as { images: string[] }).images).to.deep.equal([cid]);

    const escrowBefore = await balance(ETH, marketplace);
    const price = parseEther("1");
    const { orderId, receipt } = await buyer.stoa.buyListing({ listing, arbiter: ARBITER.address });
    expect(receipt.status).to.equal("success");
    expect((await balance(ETH, marketplace)) - escrowBefore).to.equal(price);

    const funded = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "funded",
      "the order in the index",
    );
    expect(funded.listing?.id).to.equal(listing.id);
    expect([funded.buyer, funded.seller, funded.amount]).to.deep.equal([
      buyer.account.address.toLowerCase(),
      seller.account.address.toLowerCase(),
      price.toString(),
    ]);
    const protocolFeeBps = (funded as ApiMarketOrder & { protocolFeeBps: number }).protocolFeeBps;
    expect(protocolFeeBps).to.be.greaterThan(0);

    const sellerBefore = await balance(ETH, seller.account.address);
    const feesBefore = await seller.stoa.readContract({
      contract: "marketplace",
      functionName: "accruedFees",
      args: [ETH],
    });
    await buyer.stoa.releaseOrder({ order: funded });
    const protocolFee = fee(price, protocolFeeBps);
    expect((await balance(ETH, seller.account.address)) - sellerBefore).to.equal(price - protocolFee);
    const feesAfter = await seller.stoa.readContract({
      contract: "marketplace",
      functionName: "accruedFees",
      args: [ETH],
    });
    expect(feesAfter - feesBefore).to.equal(protocolFee);

    const treasuryBefore = await balance(ETH, treasury);
    await buyer.stoa.sweepFees();
    expect((await balance(ETH, treasury)) - treasuryBefore).to.equal(feesAfter);

    const done = await settled(buyer.stoa, orderId);
    expect((done as ApiMarketOrder & { outcome: string }).outcome).to.equal("released");
    const mine = await buyer.stoa.getOrders({ buyer: buyer.account.address });
    expect(mine.map((o) => o.orderId)).to.deep.equal([Number(orderId)]);
    expect(mine[0]!.listing?.id).to.equal(listing.id);

    await buyer.stoa.reviewOrder({ order: done, rating: 5, text: "As described, well packed." });
    const reviews = await buyer.stoa.getSellerReviews({ seller: seller.account.address });
    expect(reviews.rating).to.deep.equal({ count: 1, average: 5 });
    expect(reviews.hidden).to.equal(0);
    const again = await buyer.stoa.searchListings({ seller: seller.account.address });
    expect(again.items[0]!.sellerRating).to.deep.equal({ count: 1, average: 5 });
  });

  it("dUSD: paid with a permit in one transaction, disputed, ruled 70/30; balances exact", async function () {
    const seller = await party();
    const buyer = await party();
    const arbiter = await testClient({ signer: ARBITER });
    const price = 250_000_000n; // 250 dUSD (6 decimals)
    const dev = createWalletClient({ account: devAccount(0), transport: http((await testNode()).rpcUrl) });
    await rpc.waitForTransactionReceipt({
      hash: await dev.writeContract({
        address: dusd,
        abi: devStablecoinAbi,
        functionName: "faucet",
        args: [buyer.account.address, price],
        chain: null,
      }),
    });
    const listing = await list(seller.stoa, {
      title: "Film camera",
      category: "cameras",
      price: price.toString(),
      currency: dusd.toLowerCase(),
    });

    const nonceBefore = await rpc.getTransactionCount({ address: buyer.account.address });
    const { orderId } = await buyer.stoa.buyListing({ listing, arbiter: ARBITER.address });
    expect(await rpc.getTransactionCount({ address: buyer.account.address })).to.equal(nonceBefore + 1);
    expect(await balance(dusd, buyer.account.address)).to.equal(0n);

    const funded = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "funded",
      "the order in the index",
    );
    await buyer.stoa.disputeOrder({ order: funded });
    const disputed = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "disputed",
      "the dispute in the index",
    );

    // Only the order's arbiter rules.
    const notArbiter = (await seller.stoa
      .ruleOrder({ order: disputed, buyerBps: 0 })
      .catch((e: unknown) => e)) as StoaContractError;
    expect([notArbiter.name, notArbiter.errorName]).to.deep.equal(["StoaContractError", "Unauthorized"]);

    const terms = disputed as ApiMarketOrder & { protocolFeeBps: number; arbiterFeeBps: number };
    const before = await Promise.all([buyer, seller].map((p) => balance(dusd, p.account.address)));
    const arbiterBefore = await balance(dusd, ARBITER.address);
    await arbiter.ruleOrder({ order: disputed, buyerBps: 7_000 });
    const arbiterFee = fee(price, terms.arbiterFeeBps);
    const rest = price - arbiterFee;
    const toBuyer = (rest * 7_000n) / BPS;
    const toSeller = rest - toBuyer - fee(rest - toBuyer, terms.protocolFeeBps);
    expect((await balance(dusd, buyer.account.address)) - before[0]!).to.equal(toBuyer);
    expect((await balance(dusd, seller.account.address)) - before[1]!).to.equal(toSeller);
    expect((await balance(dusd, ARBITER.address)) - arbiterBefore).to.equal(arbiterFee);
    const ruled = (await settled(buyer.stoa, orderId)) as ApiMarketOrder & {
      outcome: string;
      split: Record<string, string>;
    };
    expect(ruled.outcome).to.equal("ruled");
    expect(ruled.split).to.include({
      payer: toBuyer.toString(),
      payee: toSeller.toString(),
      arbiterFee: arbiterFee.toString(),
    });
  });

  it("deadline: the buyer stays silent, time passes on the dev chain, the seller claims", async function () {
    const seller = await party();
    const buyer = await party();
    const listing = await list(seller.stoa, { title: "Oak bookshelf", price: parseEther("0.5").toString() });
    const now = (await rpc.getBlock()).timestamp;
    const deliveryDeadline = now + 3_600n + 120n; // the dev chain's shortest dispute window is an hour
    const { orderId } = await buyer.stoa.buyListing({ listing, arbiter: ARBITER.address, deliveryDeadline });
    const funded = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "funded",
      "the order in the index",
    );

    const early = (await seller.stoa.claimOrder({ order: funded }).catch((e: unknown) => e)) as StoaContractError;
    expect(early.errorName).to.equal("DeliveryDeadlineNotReached");

    await rpc.request({ method: "evm_increaseTime" as never, params: [3_800] as never });
    await rpc.request({ method: "evm_mine" as never, params: [] as never });
    const sellerBefore = await balance(ETH, seller.account.address);
    const { receipt } = await seller.stoa.claimOrder({ order: funded });
    const gas = receipt.gasUsed * receipt.effectiveGasPrice;
    const price = parseEther("0.5");
    const protocolFee = fee(price, (funded as ApiMarketOrder & { protocolFeeBps: number }).protocolFeeBps);
    expect((await balance(ETH, seller.account.address)) - sellerBefore).to.equal(price - protocolFee - gas);
    const claimed = (await settled(seller.stoa, orderId)) as ApiMarketOrder & { outcome: string };
    expect(claimed.outcome).to.equal("claimed");
    // Too late to dispute now.
    const late = (await buyer.stoa.disputeOrder({ order: funded }).catch((e: unknown) => e)) as StoaContractError;
    expect(late.name).to.equal("StoaContractError");
  });

  it("NFT: a creator mints a StoaAssets token and lists it by signed order, a buyer fills it; royalty paid", async function () {
    const creator = await party();
    const studio = freshAccount(); // receives the royalty
    const buyer = await party();
    const { cid } = await creator.stoa.addContent({
      content: JSON.stringify({ name: "Bust of Hypatia", model: "scan.glb" }),
    });
    const { tokenId } = await creator.stoa.mintAsset({
      metadataCid: cid,
      royaltyReceiver: studio.address,
      royaltyBps: 500,
    });
    const price = parseEther("2");
    const { records } = await creator.stoa.listAsset({
      tokenId,
      title: "Bust of Hypatia, 3D scan",
      description: "Photogrammetry scan, 2 million triangles.",
      category: "3d-models",
      price: price.toString(),
      currency: "ETH",
    });
    const listing = await buyer.stoa.getListing({ id: records[0]!.id });
    expect(listing.body).to.deep.include({ kind: "digital", quantity: 1 });
    const found = await buyer.stoa.searchListings({ q: "hypatia", category: "3d-models" });
    expect(found.items.map((l) => l.id)).to.deep.equal([listing.id]);

    const [sellerBefore, studioBefore] = await Promise.all([
      balance(ETH, creator.account.address),
      balance(ETH, studio.address),
    ]);
    const { royalty, protocolFee } = await buyer.stoa.buyAsset({ listing });
    const { protocolFeeBps } = await buyer.stoa.readContract({ contract: "registry", functionName: "params" });
    expect(royalty).to.equal(fee(price, 500));
    expect(protocolFee).to.equal(fee(price, protocolFeeBps));
    expect((await balance(ETH, studio.address)) - studioBefore).to.equal(royalty);
    expect((await balance(ETH, creator.account.address)) - sellerBefore).to.equal(price - royalty - protocolFee);
    const owner = await buyer.stoa.readContract({ contract: "stoaAssets", functionName: "ownerOf", args: [tokenId] });
    expect(owner).to.equal(buyer.account.address);

    // The signed order fills once.
    const other = await party();
    const again = (await other.stoa.buyAsset({ listing }).catch((e: unknown) => e)) as StoaContractError;
    expect([again.name, again.errorName]).to.deep.equal(["StoaContractError", "NonceUsed"]);
  });

  it("order notes: encrypted between the parties, forwarded to the arbiter in a dispute, closed to anyone else", async function () {
    const seller = await party();
    const buyer = await party();
    const stranger = await party();
    const arbiter = await testClient({ signer: ARBITER });
    await arbiter.signIn();
    const listing = await list(seller.stoa, { title: "Letterpress prints", category: "art" });
    const { orderId } = await buyer.stoa.buyListing({ listing, arbiter: ARBITER.address });
    const order = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "funded",
      "the order in the index",
    );

    // Nobody can write to a reader without a published key.
    const early = await buyer.stoa.sendOrderNote({ order, kind: "shipping", text: "x" }).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(NoteKeyMissingError);
    for (const who of [seller.stoa, buyer.stoa, stranger.stoa, arbiter]) await who.publishNoteKey();

    await buyer.stoa.sendOrderNote({ order, kind: "shipping", text: "Hypatia, 1 Agora Street" });
    await seller.stoa.sendOrderNote({ order, kind: "shipped", text: "Tracking AG-1962" });
    const texts = async (stoa: StoaClient) => (await stoa.getOrderNotes({ order })).map((n) => n.note);
    const thread = [
      { v: 1, kind: "shipping", text: "Hypatia, 1 Agora Street" },
      { v: 1, kind: "shipped", text: "Tracking AG-1962" },
    ];
    expect(await texts(seller.stoa)).to.deep.equal(thread);
    expect(await texts(buyer.stoa)).to.deep.equal(thread);
    expect(await texts(stranger.stoa)).to.deep.equal([]);
    expect(await texts(arbiter)).to.deep.equal([]);

    // The ciphertext is public on the node; opening it with the stranger's key fails.
    const stored = await stranger.stoa.queryRecords({ family: "orderNotes", filters: { orderId: String(orderId) } });
    expect(stored.items).to.have.length(4);
    const { secretKey } = await stranger.stoa.getNoteKey();
    for (const record of stored.items) {
      expect(() => openOrderNote({ body: record.body as OrderNoteV1, author: record.author, secretKey })).to.throw(
        NoteDecryptError,
      );
    }

    // The node takes notes only between the order's parties.
    const outsider = (await stranger.stoa
      .sendOrderNote({
        order: { ...order, buyer: stranger.account.address },
        to: "seller",
        kind: "message",
        text: "hi",
      })
      .catch((e: unknown) => e)) as StoaApiError;
    expect([outsider.status, outsider.code, outsider.field]).to.deep.equal([422, "not-order-party", "author"]);

    // In a dispute, the buyer shows the arbiter the whole thread.
    await buyer.stoa.disputeOrder({ order });
    await buyer.stoa.forwardOrderNotes({ order });
    const forwarded = await texts(arbiter);
    expect(forwarded.map((n) => ("text" in n ? [n.kind, n.text] : n))).to.deep.equal([
      ["forwarded", "Hypatia, 1 Agora Street"],
      ["forwarded", "Tracking AG-1962"],
    ]);
    expect((forwarded[1] as { forwarded: { author: string } }).forwarded.author).to.equal(
      seller.account.address.toLowerCase(),
    );
  });

  it("refusals: reviews no settled order backs, listings signed by another, edits by a non-owner, bad searches", async function () {
    const seller = await party();
    const buyer = await party();
    const stranger = await party();
    const listing = await list(seller.stoa, { title: "Brass desk lamp", category: "lighting" });
    const { orderId } = await buyer.stoa.buyListing({ listing, arbiter: ARBITER.address });
    const funded = await eventually(
      () => buyer.stoa.getOrder({ orderId }),
      (o) => o.status === "funded",
      "the order in the index",
    );

    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e as StoaApiError,
      );
    // The order is paid but not settled.
    const early = await refusal(buyer.stoa.reviewOrder({ order: funded, rating: 5, text: "Fast!" }));
    expect([early?.status, early?.code, early?.field]).to.deep.equal([422, "review-not-backed", "body.orderId"]);
    // Someone who did not buy it.
    await buyer.stoa.releaseOrder({ order: funded });
    const done = await settled(buyer.stoa, orderId);
    const notBuyer = await refusal(stranger.stoa.reviewOrder({ order: done, rating: 1, text: "Never again." }));
    expect([notBuyer?.status, notBuyer?.code, notBuyer?.field]).to.deep.equal([422, "review-not-backed", "author"]);
    // The buyer, naming another seller.
    const otherSeller = await refusal(
      buyer.stoa.reviewOrder({
        order: { ...done, seller: stranger.account.address.toLowerCase() },
        rating: 1,
        text: "x",
      }),
    );
    expect([otherSeller?.status, otherSeller?.field]).to.deep.equal([422, "body.seller"]);
    // A made-up order.
    const unknown = await refusal(
      buyer.stoa.reviewOrder({ order: { ...done, orderId: 999_999 }, rating: 1, text: "x" }),
    );
    expect([unknown?.status, unknown?.field]).to.deep.equal([422, "body.orderId"]);
    const reviews = await seller.stoa.getSellerReviews({ seller: seller.account.address });
    expect(reviews.rating).to.deep.equal({ count: 0, average: null });

    // A listing in the seller's name, signed by the stranger: its signature does not recover to its author.
    const forged = await signRecord(stranger.stoa, {
      type: "listing",
      body: { ...(listing.body as never as Record<string, never>), title: "Brass desk lamp, now free" } as never,
    });
    const tampered = { ...forged, author: seller.account.address.toLowerCase() };
    const forgedRefusal = await refusal(stranger.stoa.putRecord({ envelope: tampered as never }));
    expect(forgedRefusal?.status).to.equal(400);

    // An edit of the seller's listing by the stranger is refused before anything is signed, and a
    // record of the stranger's own under the same key is their listing, not an edit of the seller's.
    const edit = await stranger.stoa.updateListing({ listing, changes: { price: "1" } }).catch((e: unknown) => e);
    expect(edit).to.be.instanceOf(NotListingOwnerError);
    await stranger.stoa.createListing({
      ...(listing.body as never as object),
      key: (listing.body as { key: string }).key,
      price: "1",
    } as never);
    const still = await seller.stoa.getListing({ id: listing.id });
    expect([still.current, (still.body as { price: string }).price]).to.deep.equal([true, parseEther("1").toString()]);

    // Withdrawn: searches no longer find it, and the old version says it is not current.
    await seller.stoa.withdrawListing({ listing: still });
    const after = await seller.stoa.searchListings({ seller: seller.account.address });
    expect(after.items).to.deep.equal([]);
    expect((await seller.stoa.getListing({ id: listing.id })).current).to.equal(false);

    const range = await refusal(seller.stoa.searchListings({ minPrice: 10n, maxPrice: 1n }));
    expect([range?.status, range?.field]).to.deep.equal([400, "query.minPrice"]);
    const tooMany = await refusal(seller.stoa.searchListings({ limit: 500 }));
    expect(tooMany?.status).to.equal(400);
  });
});
