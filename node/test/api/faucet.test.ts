import { expect } from "chai";
import { Contract, JsonRpcProvider, parseEther } from "ethers";
import { FAUCET_INTERVAL_MS } from "../../src/api/faucet.ts";
import { DevFaucet } from "../../src/chain/faucet.ts";
import { bearer, errorOf, signIn, startApi, wallet, type TestApi, type TestWallet } from "./helpers.ts";

const TOKEN = parseEther("1000");
const ETH = parseEther("10");

describe("API: the dev faucet", function () {
  let t: TestApi;
  let provider: JsonRpcProvider;
  let token: Contract;
  let now = Date.now();

  before(async function () {
    t = await startApi({ clock: () => now });
    const { chain } = t.ctx;
    // No cache: balances are read right before and after each grant.
    provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const { address, abi } = chain.manifest.contracts.token!;
    token = new Contract(address, abi as never, provider);
  });
  after(async () => {
    provider?.destroy();
    await t?.stop();
  });

  const faucet = (headers: Record<string, string> = {}, payload?: object) =>
    t.api.inject({ method: "POST", url: "/v1/dev/faucet", headers, ...(payload ? { payload } : {}) });

  async function balances(who: TestWallet): Promise<{ token: bigint; eth: bigint }> {
    const [stoa, eth] = await Promise.all([
      token.balanceOf!(who.address) as Promise<bigint>,
      provider.getBalance(who.address),
    ]);
    return { token: stoa, eth };
  }

  it("401 without a session", async function () {
    const response = await faucet({}, {});
    expect(response.statusCode).to.equal(401);
    expect(errorOf(response).code).to.equal("unauthorized");
  });

  it("sends 1,000 STOA and 10 ETH from dev account #3 to the signed-in account, once a minute", async function () {
    const who = wallet();
    const session = bearer(await signIn(t.api, who));
    const faucetAddress = new DevFaucet(t.ctx.chain).address;
    const devAccounts = (await provider.send("eth_accounts", [])) as string[];
    expect(faucetAddress.toLowerCase()).to.equal(devAccounts[3]!.toLowerCase());
    const before = await balances(who);
    expect(before).to.deep.equal({ token: 0n, eth: 0n });

    const granted = await faucet(session, {});
    expect(granted.statusCode, granted.body).to.equal(200);
    const grant = granted.json<{ token: string; eth: string; txs: string[] }>();
    expect(grant.token).to.equal(TOKEN.toString());
    expect(grant.eth).to.equal(ETH.toString());
    expect(grant.txs).to.have.length(2);
    for (const hash of grant.txs) {
      const receipt = await provider.getTransactionReceipt(hash);
      expect(receipt?.status, hash).to.equal(1);
      expect(receipt?.from).to.equal(faucetAddress);
    }
    expect(await balances(who)).to.deep.equal({ token: TOKEN, eth: ETH });

    // Within the minute: 429 and nothing sent, with or without a body.
    now += FAUCET_INTERVAL_MS - 1_000;
    const again = await faucet(session);
    expect(again.statusCode).to.equal(429);
    expect(errorOf(again).code).to.equal("faucet-rate-limited");
    expect(again.headers["retry-after"]).to.equal("1");
    expect(await balances(who)).to.deep.equal({ token: TOKEN, eth: ETH });

    // A minute on: STOA again, but no ETH, since the account now holds more than 1 ETH.
    now += 1_000;
    const later = await faucet(session, {});
    expect(later.statusCode, later.body).to.equal(200);
    expect(later.json<{ eth: string; txs: string[] }>()).to.include({ eth: "0" });
    expect(later.json<{ txs: string[] }>().txs).to.have.length(1);
    expect(await balances(who)).to.deep.equal({ token: 2n * TOKEN, eth: ETH });
  });

  it("400 for a body with fields: the recipient is the session's account", async function () {
    const session = bearer(await signIn(t.api, wallet()));
    const response = await faucet(session, { to: "0x0000000000000000000000000000000000000001" });
    expect(response.statusCode).to.equal(400);
    expect(errorOf(response).code).to.equal("invalid-request");
  });
});

describe("API: no dev faucet when following another chain", function () {
  let t: TestApi;

  before(async function () {
    // The route is declared from the configured mode; the shared chain underneath does not matter.
    t = await startApi({ settings: { "chain.mode": "rpc" } });
  });
  after(() => t?.stop());

  it("POST /v1/dev/faucet is a 404", async function () {
    const session = bearer(await signIn(t.api, wallet()));
    const response = await t.api.inject({ method: "POST", url: "/v1/dev/faucet", headers: session, payload: {} });
    expect(response.statusCode).to.equal(404);
    expect(errorOf(response).code).to.equal("not-found");
  });
});
