/**
 * A client of one daemon's HTTP API over real HTTP (fetch), as a dApp or a script uses it: sign in
 * with SIWE, write signed listings, read them by id and through queries. Shared by the
 * multi-daemon test and the API benchmark.
 */
import {
  addressOfPrivateKey,
  buildRecord,
  randomPrivateKey,
  signRecord,
  type Hex,
  type ListingV1,
  type SignedRecord,
} from "@stoa/protocol";
import { Wallet as EthersWallet } from "ethers";
import { SiweMessage } from "siwe";

export interface Wallet {
  key: Hex;
  /** Lower case, as records carry it. */
  address: Hex;
  signer: EthersWallet;
}

export function newWallet(): Wallet {
  const key = randomPrivateKey();
  return { key, address: addressOfPrivateKey(key), signer: new EthersWallet(key) };
}

export interface StoredListing {
  id: string;
  author: string;
  body: ListingV1;
  current: boolean;
}

export interface Page {
  items: StoredListing[];
  next?: string;
}

/** What an HTTP answer carried: status and parsed JSON (undefined when not JSON). */
export interface Answer<T> {
  status: number;
  body: T;
}

export const CATEGORIES = ["sports", "home", "music", "books"] as const;

/** A listing body; `words` go into the title, so that text queries can find it. */
export function listingBody(key: string, words: string, i: number): ListingV1 {
  return {
    key,
    title: `${words} item ${i}`,
    description: `A well kept thing, number ${i}: ${words}.`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    price: String(1_000 + i),
    currency: "ETH",
    kind: "physical",
    quantity: 1,
    images: [],
    status: "active",
  };
}

export function signedListing(network: string, who: Wallet, body: ListingV1): SignedRecord<"listing"> {
  return signRecord(network, buildRecord("listing", who.address, body), who.key);
}

export class ApiClient {
  readonly base: string;

  constructor(base: string) {
    this.base = base.replace(/\/$/, "");
  }

  /** One request; throws only when no HTTP answer came (connection refused or reset). */
  async request<T>(method: string, path: string, body?: unknown, token?: string): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed as T };
  }

  /** Like `request`, but anything other than `expected` throws with the answer. */
  async expect<T>(expected: number, method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const answer = await this.request<T>(method, path, body, token);
    if (answer.status !== expected) {
      throw new Error(
        `${method} ${path}: HTTP ${answer.status} (expected ${expected}): ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  /** Signs `who` in (nonce, EIP-4361 message for this node, personal_sign); returns the token. */
  async signIn(who: Wallet, chainId: number): Promise<string> {
    const { nonce } = await this.expect<{ nonce: string }>(200, "POST", "/v1/auth/nonce");
    const url = new URL(this.base);
    const message = new SiweMessage({
      domain: url.host,
      address: who.signer.address,
      statement: "Sign in to Stoa",
      uri: `${url.origin}/`,
      version: "1",
      chainId,
      nonce,
    }).prepareMessage();
    const signature = await who.signer.signMessage(message);
    const { token } = await this.expect<{ token: string }>(200, "POST", "/v1/auth/verify", { message, signature });
    return token;
  }

  /** Writes a signed listing; returns the record's id (201 only). */
  async putListing(record: SignedRecord<"listing">, token: string): Promise<string> {
    const result = await this.expect<{ records: { id: string }[] }>(201, "POST", "/v1/records/listings", record, token);
    return result.records[0]!.id;
  }

  /** A listing by id, or undefined on 404. */
  async getListing(id: string): Promise<StoredListing | undefined> {
    const answer = await this.request<StoredListing>("GET", `/v1/records/listings/${id}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200)
      throw new Error(`GET listing ${id}: HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Every listing matching `search` (URL parameters), following the pages. */
  async queryAll(search: Record<string, string>): Promise<StoredListing[]> {
    const items: StoredListing[] = [];
    let cursor: string | undefined;
    do {
      const params = new URLSearchParams({ ...search, limit: "100", ...(cursor ? { cursor } : {}) });
      const page = await this.expect<Page>(200, "GET", `/v1/records/listings?${params.toString()}`);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return items;
  }
}

/** Polls `check` every `intervalMs` until it returns something other than undefined. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
