/** Runs each guide of docs/guides against the test node and its dev chain, as CI does. */
import { expect } from "chai";
import { toHex } from "viem";
import { marketOrder } from "../../../docs/guides/market-order.ts";
import { publishProfile } from "../../../docs/guides/publish-profile.ts";
import { queryListings } from "../../../docs/guides/query-listings.ts";
import type { GuideSettings } from "../../../docs/guides/settings.ts";
import { delegateVotes } from "../../../docs/guides/token-delegate.ts";
import { devAccount, testClient, testNode } from "./helpers.ts";

async function settingsFor(devIndex: number): Promise<GuideSettings> {
  const { url, rpcUrl } = await testNode();
  return { nodeUrl: url, rpcUrl, privateKey: toHex(devAccount(devIndex).getHdKey().privateKey!) };
}

/** The guides narrate on the console; the test keeps their output unless STOA_TEST_LOG is set. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  if (process.env.STOA_TEST_LOG) return run();
  const log = console.log;
  console.log = () => undefined;
  try {
    return await run();
  } finally {
    console.log = log;
  }
}

describe("docs/guides", function () {
  it("publish-profile.ts: signs in and publishes a profile", async function () {
    const profile = await quietly(async () => publishProfile(await settingsFor(6), "Guide Reader"));
    expect(profile.body).to.deep.equal({
      name: "Guide Reader",
      bio: "Analyst, metaphysician, founder of scientific computing.",
    });
    expect(profile.author).to.equal(devAccount(6).address.toLowerCase());
  });

  it("query-listings.ts: finds listings by text, filters, range, sort and cursor", async function () {
    const seller = await testClient({ signer: devAccount(6) });
    await seller.signIn();
    for (const [i, category] of ["sports", "books", "music"].entries()) {
      await seller.publishRecord({
        type: "listing",
        body: {
          key: `guide-${i}`,
          title: `guide bicycle ${i}`,
          description: "For the query guide.",
          category,
          price: String(5_000 - i),
          currency: "ETH",
          kind: "physical",
          quantity: 1,
          images: [],
          status: "active",
        },
      });
    }
    const found = await quietly(async () => queryListings(await settingsFor(6), "bicycle"));
    const mine = found.filter((r) => r.author === devAccount(6).address.toLowerCase());
    expect(mine.map((r) => (r.body as { key: string }).key)).to.deep.equal(["guide-1", "guide-0"]);
    const prices = found.map((r) => BigInt((r.body as { price: string }).price));
    expect(prices).to.deep.equal([...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("token-delegate.ts: reads the balance and delegates the votes", async function () {
    const result = await quietly(async () => delegateVotes(await settingsFor(2)));
    expect(result.balance).to.equal(100_000n * 10n ** 18n);
    expect(result.votes).to.equal(result.balance);
    expect(result.delegatee).to.equal(devAccount(2).address);
  });

  it("market-order.ts: lists, finds, pays into escrow, releases and reviews", async function () {
    const buyer = toHex(devAccount(9).getHdKey().privateKey!);
    const { order, rating } = await quietly(async () => marketOrder(await settingsFor(8), buyer));
    expect(order.status).to.equal("settled");
    expect((order as typeof order & { outcome: string }).outcome).to.equal("released");
    expect([order.seller.toLowerCase(), order.buyer.toLowerCase()]).to.deep.equal([
      devAccount(8).address.toLowerCase(),
      devAccount(9).address.toLowerCase(),
    ]);
    expect(rating).to.deep.equal({ count: 1, average: 5 });
  });
});
