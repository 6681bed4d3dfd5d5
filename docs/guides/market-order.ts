/**
 * Guide: sell and buy through the Marketplace's escrow. The seller lists an item (a signed
 * record every node replicates); the buyer finds it by search, pays into escrow naming one of the
 * DAO's arbiters, and releases the payment once the item arrived; then reviews the seller, which
 * the node accepts only because the chain shows that order settled between them.
 *
 * Run it against `npm start`:  node docs/guides/market-order.ts
 *
 * The seller is STOA_PRIVATE_KEY (default dev account 0), the buyer STOA_BUYER_KEY (default dev
 * account 1). Prices are wei for ETH listings; `parseEther` and `formatEther` convert.
 */
import { fileURLToPath } from "node:url";
import { createStoaClient } from "@stoa/sdk";
import { formatEther, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { settingsFrom, type GuideSettings } from "./settings.ts";

/** Hardhat's dev account 1: public knowledge, funded on dev chains only. */
const DEV_ACCOUNT_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export async function marketOrder(settings: GuideSettings, buyerKey: Hex = DEV_ACCOUNT_1) {
  const client = (key: Hex) =>
    createStoaClient({ node: settings.nodeUrl, provider: http(settings.rpcUrl), signer: privateKeyToAccount(key) });
  const seller = client(settings.privateKey);
  const buyer = client(buyerKey);
  await Promise.all([seller.signIn(), buyer.signIn()]);

  // The seller lists; `records[0].id` is this version's id, which the buyer's order will name.
  const title = `Walnut chess set ${Date.now().toString(36)}`;
  const { records } = await seller.createListing({
    title,
    description: "Hand-carved walnut and maple pieces, folding board.",
    category: "games",
    price: parseEther("0.25").toString(),
    currency: "ETH",
    kind: "physical",
  });
  console.log(`listed ${records[0]!.id}`);

  // The buyer searches (the node's index answers: words, category, price range, sort, pages).
  const { items } = await buyer.searchListings({ q: title, category: "games" });
  const listing = items.find((item) => item.id === records[0]!.id)!;
  console.log(`found "${title}", seller rated ${listing.sellerRating.average ?? "-"} (${listing.sellerRating.count})`);

  // Pay into escrow, naming an arbiter of the DAO's set.
  const [arbiter] = (await buyer.getArbiters()).map((a) => a.arbiter);
  const { orderId, hash } = await buyer.buyListing({ listing, arbiter: arbiter as Hex });
  console.log(`order ${orderId} paid into escrow in ${hash}`);

  // Once the item arrived: release. (Or `disputeOrder`; the seller may `refundOrder`, or
  // `claimOrder` after the delivery deadline.) The node's chain index follows within a second.
  let order = await waitFor(() => buyer.getOrder({ orderId }));
  await buyer.releaseOrder({ order });
  order = await waitFor(async () => {
    const o = await buyer.getOrder({ orderId });
    return o.status === "settled" ? o : undefined;
  });
  const split = (order as typeof order & { split: { payee: string; protocolFee: string } }).split;
  console.log(
    `released: seller got ${formatEther(BigInt(split.payee))} ETH, fee ${formatEther(BigInt(split.protocolFee))} ETH`,
  );

  // The review counts because the chain shows this order settled between buyer and seller.
  await buyer.reviewOrder({ order, rating: 5, text: "Beautiful set, well packed." });
  const { rating } = await buyer.getSellerReviews({ seller: listing.author });
  console.log(`seller rating: ${rating.average} from ${rating.count} review(s)`);
  return { orderId, order, rating };
}

async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the node's chain index did not catch up within 10 s");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await marketOrder(settingsFrom(), process.env.STOA_BUYER_KEY as Hex | undefined);
}
