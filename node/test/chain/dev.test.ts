import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { DevPortInUseError } from "../../src/chain/errors.ts";
import { ChainService } from "../../src/chain/service.ts";
import { chainConfig, logger, removeTempRepos, startDev, tempRepo } from "./helpers.ts";

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

describe("ChainService in dev mode", function () {
  after(removeTempRepos);

  describe("start", function () {
    let chain: ChainService;
    let repo: string;

    before(async function () {
      repo = tempRepo();
      chain = await startDev(repo);
    });
    after(() => chain?.stop());

    it("serves the dev chain as JSON-RPC on 127.0.0.1, on the port it prints", async function () {
      expect(chain.mode).to.equal("dev");
      expect(chain.chainId).to.equal(31337);
      expect(chain.rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await rpc(chain.rpcUrl, "eth_chainId")).to.equal("0x7a69");
      const accounts = (await rpc(chain.rpcUrl, "eth_accounts")) as string[];
      expect(accounts.length).to.be.at.least(10);
      expect(BigInt((await rpc(chain.rpcUrl, "eth_getBalance", [accounts[1], "latest"])) as string)).to.equal(
        10n ** 22n,
      );
    });

    it("deploys StoaDev and writes its manifest to the repo's chain folder", async function () {
      expect(chain.manifestPath).to.equal(join(repo, "chain", "deployment.json"));
      const written = JSON.parse(readFileSync(chain.manifestPath, "utf8")) as typeof chain.manifest;
      expect(written).to.deep.equal(chain.manifest);
      expect(written).to.include({ schema: 1, chainId: 31337, module: "StoaDev", startBlock: 0 });
      expect(Object.keys(written.contracts)).to.include.members([
        "marketplace",
        "registry",
        "governor",
        "devStablecoin",
      ]);
      for (const { address } of Object.values(written.contracts)) {
        expect(await rpc(chain.rpcUrl, "eth_getCode", [address, "latest"])).to.not.equal("0x");
      }
    });

    it("indexes the deployment up to the head", async function () {
      const head = await chain.head();
      expect(head.number).to.be.greaterThan(0);
      expect(head.hash).to.match(/^0x[0-9a-f]{64}$/);
      await chain.indexer.waitFor(head.number);
      expect(chain.indexer.status).to.deep.equal({ block: head.number, head: head.number, synced: true, lag: 0 });
      expect((await chain.indexer.arbiters()).length).to.equal(3);
      expect(existsSync(join(repo, "chain", "index.sqlite"))).to.equal(true);
    });
  });

  it("refuses a dev port in use, saying which setting to change", async function () {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const start = ChainService.start({ config: chainConfig({ "chain.devPort": port }), repo: tempRepo(), logger });
      const error = await start.then(
        () => expect.fail("started on a port in use"),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DevPortInUseError);
      expect((error as Error).message)
        .to.contain(`127.0.0.1:${port}`)
        .and.contain("STOA_CHAIN_DEV_PORT");
    } finally {
      blocker.close();
    }
  });

  it("stops idempotently and closes the JSON-RPC server", async function () {
    const chain = await startDev();
    await Promise.all([chain.stop(), chain.stop()]);
    await chain.stop();
    const error = await rpc(chain.rpcUrl, "eth_chainId").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
  });

  it("leaves nothing open: a process that starts and stops the service exits by itself", async function () {
    const script = join(import.meta.dirname, "fixtures", "start-stop.ts");
    const started = Date.now();
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(process.execPath, [script], { timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout }),
      );
    });
    const stoppedAt = Number(/stopped at (\d+)/.exec(stdout)?.[1]);
    expect(stoppedAt).to.be.greaterThan(started);
    // Exits right after stop: no timer, socket or server keeps the event loop alive.
    expect(Date.now() - stoppedAt).to.be.lessThan(2000);
  });
});
