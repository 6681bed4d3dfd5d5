import { expect } from "chai";
import { Contract, type ContractTransactionResponse, JsonRpcProvider, type JsonRpcSigner } from "ethers";
import { publicRpcUrl } from "../../src/api/chain.ts";
import { createEthOrder, errorOf, startApi, type TestApi } from "./helpers.ts";

describe("API: the chain", function () {
  let t: TestApi;
  let order: { orderId: number; buyer: string; block: number };

  before(async function () {
    t = await startApi();
    order = await createEthOrder(t.ctx.chain, `api-chain-test-${Date.now()}`);
  });
  after(() => t?.stop());

  const get = (url: string) => t.api.inject({ method: "GET", url });

  it("GET /v1/chain: chain id, RPC URL, head, contracts and indexer status", async function () {
    const response = await get("/v1/chain");
    expect(response.statusCode).to.equal(200);
    const chain = response.json<{
      chainId: number;
      mode: string;
      rpcUrl: string;
      head: { number: number; hash: string };
      contracts: Record<string, { address: string }>;
      indexer: { block: number; synced: boolean; lag: number };
    }>();
    expect(chain).to.include({ chainId: 31337, mode: "dev" });
    expect(chain.rpcUrl).to.equal(`${t.ctx.chain.rpcUrl}/`);
    expect(chain.head.number).to.be.at.least(order.block);
    expect(chain.head.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(chain.contracts.marketplace!.address).to.equal(t.ctx.chain.manifest.contracts.marketplace!.address);
    expect(chain.indexer.block).to.be.at.least(order.block);
  });

  it("hides the path and credentials of a remote RPC URL, which often carry an API key", function () {
    expect(publicRpcUrl("https://user:secret@mainnet.example/v3/KEY?x=1")).to.equal("https://mainnet.example/");
    expect(publicRpcUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545/");
  });

  it("orders by account and by id, with their timeline", async function () {
    const byBuyer = await get(`/v1/chain/orders?buyer=${order.buyer.toLowerCase()}&limit=10`);
    expect(byBuyer.statusCode).to.equal(200);
    const orders = byBuyer.json<{ orders: { orderId: number; buyer: string; status: string }[] }>().orders;
    expect(orders.map((o) => o.orderId)).to.include(order.orderId);
    for (const o of orders) expect(o.buyer).to.equal(order.buyer);

    const one = await get(`/v1/chain/orders/${order.orderId}`);
    expect(one.statusCode).to.equal(200);
    const view = one.json<{ orderId: number; status: string; amount: string; timeline: { kind: string }[] }>();
    expect(view).to.include({ orderId: order.orderId, status: "funded", amount: "10000000000000000" });
    expect(view.timeline.map((e) => e.kind)).to.deep.equal(["OrderCreated"]);

    const funded = await get(`/v1/chain/orders?party=${order.buyer}&status=funded`);
    expect(funded.json<{ orders: { orderId: number }[] }>().orders.map((o) => o.orderId)).to.include(order.orderId);
  });

  it("400 for a bad address, id or filter; 404 for an unknown order", async function () {
    expect(errorOf(await get("/v1/chain/orders?buyer=0x123")).field).to.equal("query.buyer");
    expect(errorOf(await get("/v1/chain/orders?status=lost")).field).to.equal("query.status");
    expect(errorOf(await get("/v1/chain/orders?colour=red")).code).to.equal("invalid-request");
    expect((await get("/v1/chain/orders/abc")).statusCode).to.equal(400);
    const missing = await get("/v1/chain/orders/999999");
    expect(missing.statusCode).to.equal(404);
    expect(errorOf(missing)).to.include({ code: "not-found", field: "orderId" });
  });

  it("proposals, certificates, jobs, the deny list and arbiters", async function () {
    const proposals = await get("/v1/chain/proposals?limit=5");
    expect(proposals.statusCode).to.equal(200);
    expect(proposals.json<{ proposals: unknown[] }>().proposals).to.be.an("array");
    expect((await get("/v1/chain/proposals/123")).statusCode).to.equal(404);
    expect((await get("/v1/chain/proposals/abc")).statusCode).to.equal(400);

    const certificates = await get(`/v1/chain/certificates?holder=${order.buyer}`);
    expect(certificates.json<{ certificates: unknown[] }>().certificates).to.be.an("array");
    expect((await get(`/v1/chain/certificates/0x${"ab".repeat(32)}`)).statusCode).to.equal(404);

    const jobs = await get(`/v1/chain/jobs?party=${order.buyer}`);
    expect(jobs.json<{ jobs: unknown[] }>().jobs).to.be.an("array");
    expect((await get("/v1/chain/jobs/424242")).statusCode).to.equal(404);

    const denied = await get("/v1/chain/deny-list");
    expect(denied.statusCode).to.equal(200);
    expect(denied.json<{ denied: unknown[] }>().denied).to.be.an("array");

    const arbiters = (await get("/v1/chain/arbiters")).json<{ arbiters: { arbiter: string }[] }>().arbiters;
    expect(arbiters).to.have.length(3);
  });

  it("delegates: voting power, delegatee and delegators follow DelegateChanged and DelegateVotesChanged", async function () {
    const { chain } = t.ctx;
    const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
    try {
      // Dev accounts 3 and 4 delegate to 3; 4 then moves to 5: 3 keeps its own balance only.
      const [a3, a4, a5] = (await Promise.all([3, 4, 5].map((i) => provider.getSigner(i)))) as [
        JsonRpcSigner,
        JsonRpcSigner,
        JsonRpcSigner,
      ];
      const token = (signer: typeof a3) =>
        new Contract(chain.manifest.contracts.token!.address, chain.manifest.contracts.token!.abi as never, signer);
      const send = async (signer: typeof a3, to: string) => {
        const tx = (await token(signer).delegate!(to)) as ContractTransactionResponse;
        return (await tx.wait())!.blockNumber;
      };
      await send(a3, a3.address);
      await chain.indexer.waitFor(await send(a4, a3.address));
      const both = (await get(`/v1/chain/delegates/${a3.address.toLowerCase()}`)).json<{
        account: string;
        votes: string;
        delegatee?: string;
        delegators: { account: string }[];
      }>();
      expect(both).to.include({
        account: a3.address,
        votes: (200_000n * 10n ** 18n).toString(),
        delegatee: a3.address,
      });
      expect(both.delegators.map((d) => d.account)).to.deep.equal([a3.address, a4.address]);

      await chain.indexer.waitFor(await send(a4, a5.address));
      const after = (await get(`/v1/chain/delegates/${a3.address}`)).json<{
        votes: string;
        delegators: { account: string }[];
      }>();
      expect(after.votes).to.equal((100_000n * 10n ** 18n).toString());
      expect(after.delegators.map((d) => d.account)).to.deep.equal([a3.address]);
      const five = (await get(`/v1/chain/delegates/${a5.address}`)).json<{ votes: string; delegatee?: string }>();
      expect(five.votes).to.equal((100_000n * 10n ** 18n).toString());
      expect(five.delegatee).to.equal(undefined);

      const board = (await get("/v1/chain/delegates")).json<{
        delegates: { account: string; votes: string; delegators: number }[];
      }>().delegates;
      expect(board.find((d) => d.account === a3.address)).to.deep.include({ delegators: 1 });
      expect(board.find((d) => d.account === a5.address)).to.deep.include({ delegators: 1 });
      expect(board.map((d) => BigInt(d.votes))).to.deep.equal(
        board.map((d) => BigInt(d.votes)).sort((x, y) => (y > x ? 1 : y < x ? -1 : 0)),
      );
      expect(errorOf(await get("/v1/chain/delegates/0x12")).field).to.equal("params.account");
    } finally {
      provider.destroy();
    }
  });

  it("502 when the chain's RPC does not answer", async function () {
    const offline = await startApi();
    const { chain } = offline.ctx;
    // A chain service whose RPC is gone: the same service, its head() failing as a dead RPC's would.
    offline.ctx.chain = Object.create(chain, {
      head: { value: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")) },
    }) as typeof chain;
    try {
      const response = await offline.api.inject({ method: "GET", url: "/v1/chain" });
      expect(response.statusCode).to.equal(502);
      expect(errorOf(response).code).to.equal("chain-unreachable");
    } finally {
      offline.ctx.chain = chain;
      await offline.stop();
    }
  });
});
