/**
 * A listing written through a daemon's HTTP API, as the dApp writes one: sign in with Ethereum,
 * sign the record, POST it. (The CLI only reads records.)
 */
import { addressOfPrivateKey, buildRecord, signRecord, type Hex } from "@stoa/protocol";
import { expect } from "chai";
import { Wallet } from "ethers";
import { SiweMessage } from "siwe";

export interface Page {
  items: { id: string; author: string; body: { title: string } }[];
}

/** Signs in to the daemon at `api` with SIWE, as the test dApp would; returns the session token. */
async function signIn(api: string, key: Hex): Promise<string> {
  const post = (path: string, body?: unknown) =>
    fetch(`${api}${path}`, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const { nonce } = (await (await post("/v1/auth/nonce")).json()) as { nonce: string };
  const { chainId } = (await (await fetch(`${api}/v1/chain`)).json()) as { chainId: number };
  const signer = new Wallet(key);
  const url = new URL(api);
  const message = new SiweMessage({
    domain: url.host,
    address: signer.address,
    statement: "Sign in to Stoa",
    uri: `${url.origin}/`,
    version: "1",
    chainId,
    nonce,
  }).prepareMessage();
  const response = await post("/v1/auth/verify", { message, signature: await signer.signMessage(message) });
  expect(response.status, await response.clone().text()).to.equal(200);
  return ((await response.json()) as { token: string }).token;
}

/** Writes a signed listing through the API, then waits until the daemon's index returns it. */
export async function postListing(api: string, network: string, key: Hex, title: string): Promise<string> {
  const author = addressOfPrivateKey(key);
  const record = signRecord(
    network,
    buildRecord("listing", author, {
      key: "cli-test-1",
      title,
      description: "A well kept bicycle, posted by the CLI tests.",
      category: "sports",
      price: "1500",
      currency: "ETH",
      kind: "physical",
      quantity: 1,
      images: [],
      status: "active",
    }),
    key,
  );
  const response = await fetch(`${api}/v1/records/listings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await signIn(api, key)}` },
    body: JSON.stringify(record),
  });
  expect(response.status, await response.clone().text()).to.equal(201);
  for (let attempt = 0; attempt < 100; attempt++) {
    const page = (await (await fetch(`${api}/v1/records/listings?text=bicycle`)).json()) as Page;
    if (page.items.length > 0) return author;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the posted listing never showed in the index");
}
