/** Currencies of listings: ETH, the dev stablecoin, STOA, or any ERC-20 by address; amounts in words. */
import type { ApiChainStatus } from "@stoa/sdk";
import { formatUnits, parseUnits } from "viem";

export interface Currency {
  /** "ETH" or the token's lower-case address, as listings store it. */
  id: string;
  symbol: string;
  decimals: number;
}

export const ETH_CURRENCY: Currency = { id: "ETH", symbol: "ETH", decimals: 18 };

/** The currencies this chain's deployment names (ETH, dUSD on the dev chain). */
export function knownCurrencies(chain: ApiChainStatus | undefined): Currency[] {
  const known = [ETH_CURRENCY];
  const dusd = chain?.contracts.devStablecoin?.address.toLowerCase();
  if (dusd) known.push({ id: dusd, symbol: "dUSD", decimals: 6 });
  return known;
}

/** What `id` is; an ERC-20 this page does not know shows in its smallest units. */
export function currencyOf(id: string, chain: ApiChainStatus | undefined): Currency {
  const known = knownCurrencies(chain).find((c) => c.id === id.toLowerCase() || c.id === id);
  return known ?? { id, symbol: `units of ${id.slice(0, 6)}…${id.slice(-4)}`, decimals: 0 };
}

/** "1.5 ETH", "250 dUSD". */
export function formatAmount(amount: string | bigint, currency: Currency): string {
  const text = formatUnits(BigInt(amount), currency.decimals);
  const [whole, fraction = ""] = text.split(".");
  const grouped = BigInt(whole!).toLocaleString("en");
  return `${fraction ? `${grouped}.${fraction.slice(0, 6)}` : grouped} ${currency.symbol}`;
}

/** "1.5" in `currency` to its smallest unit; undefined when it is not a positive amount with at most its decimals. */
export function parseAmount(text: string, currency: Currency): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const fraction = trimmed.split(".")[1] ?? "";
  if (fraction.length > currency.decimals) return undefined;
  const value = parseUnits(trimmed, currency.decimals);
  return value > 0n ? value : undefined;
}
