/**
 * Guide: find listings: full text, filters, a price range, a sort, and paging with a cursor.
 * Reads need no wallet and no session.
 *
 * Run it against `npm start`:  node docs/guides/query-listings.ts [words]
 *
 * Filters are the family's own (listings: category, price, currency, kind, status, seller, key);
 * a value, a list of values (any of), or `{ gte, lte }`. Prices are in the currency's smallest
 * unit (wei for ETH), as decimal strings.
 */
import { fileURLToPath } from "node:url";
import { createStoaClient, type ApiStoredRecord, type ListingV1 } from "@stoa/sdk";
import { settingsFrom, type GuideSettings } from "./settings.ts";

export async function queryListings(settings: GuideSettings, words = "bicycle"): Promise<ApiStoredRecord[]> {
  const stoa = createStoaClient({ node: settings.nodeUrl });

  const byText = await stoa.queryRecords({ family: "listings", text: words, sort: "relevance", limit: 5 });
  console.log(`${byText.items.length} listing(s) about "${words}"`);

  const found: ApiStoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await stoa.queryRecords({
      family: "listings",
      filters: { category: ["sports", "books"], price: { gte: "1000", lte: "1000000000000000000" } },
      sort: "price-asc",
      limit: 20,
      cursor,
    });
    found.push(...page.items);
    cursor = page.next;
  } while (cursor);

  for (const record of found) {
    const listing = record.body as ListingV1;
    console.log(`${listing.price.padStart(22)} ${listing.currency}  ${listing.title}  (${record.author})`);
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await queryListings(settingsFrom(), process.argv[2]);
