/**
 * What the dApp's browser tests share: two real daemons on 127.0.0.1 serving the built dApp (A
 * runs the dev chain, B follows it in rpc mode and dials A), Debian's Chromium driven by
 * playwright-core, and an injected EIP-1193 test wallet announced through EIP-6963 whose keys stay
 * in the test process (the page calls it through a Playwright binding), so that a test can make it
 * reject the next request or switch accounts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { initRepo, openRepo, startDaemon, type RunningDaemon } from "@stoa/node";
import { getBytes, HDNodeWallet, JsonRpcProvider, Mnemonic, type TypedDataField } from "ethers";
import { pino } from "pino";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const DIST = fileURLToPath(new URL("../dist", import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL("../test-output/screenshots", import.meta.url));
const NETWORK = "stoa-dapp-test";
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const logger = pino({ level: process.env.STOA_TEST_LOG ?? "silent" });

export interface TestNodes {
  a: RunningDaemon;
  b: RunningDaemon;
  rpcUrl: string;
  stop(): Promise<void>;
}

function settings(extra: Record<string, unknown>) {
  return {
    network: NETWORK,
    "p2p.listen": ["/ip4/127.0.0.1/tcp/0"],
    "p2p.loopbackOnly": true,
    "api.host": "127.0.0.1",
    "api.port": 0,
    "api.rateLimitPerIp": 100_000,
    "api.rateLimitPerSession": 100_000,
    "dapp.dir": DIST,
    ...extra,
  };
}

/**
 * Node A (dev chain) and node B (rpc mode on A's chain, dialing A), both serving the dApp;
 * `{ second: false }`: A alone (B is then A too).
 */
export async function startNodes({ second = true }: { second?: boolean } = {}): Promise<TestNodes> {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("build the dApp first: npm run build -w dapp");
  const dirs: string[] = [];
  const repo = async () => {
    const dir = mkdtempSync(join(tmpdir(), "stoa-dapp-"));
    dirs.push(dir);
    await initRepo(dir);
    return dir;
  };
  const repoA = await repo();
  const a = await startDaemon({
    repo: repoA,
    config: openRepo(repoA, { env: {}, flags: settings({ "chain.mode": "dev", "chain.devPort": 0 }) }),
    logger,
  });
  const { chain, node } = a.ctx;
  if (!second) {
    return {
      a,
      b: a,
      rpcUrl: chain.rpcUrl,
      async stop() {
        await a.stop();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const repoB = await repo();
  const b = await startDaemon({
    repo: repoB,
    config: openRepo(repoB, {
      env: {},
      flags: settings({
        "chain.mode": "rpc",
        "chain.rpcUrl": chain.rpcUrl,
        "chain.deployment": chain.manifestPath,
        "p2p.peers": [node.multiaddrs[0]!.toString()],
      }),
    }),
    logger,
  });
  return {
    a,
    b,
    rpcUrl: chain.rpcUrl,
    async stop() {
      await b.stop();
      await a.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A person: a page in its own browser context with its own test wallet on dev account `index`,
 * opened at `url` and connected through the wallet dialog. Uncaught page errors go to `pageErrors`.
 */
export async function connectedPage(
  browser: Browser,
  rpcUrl: string,
  { index, url, pageErrors }: { index: number; url: string; pageErrors: string[] },
): Promise<{ page: Page; wallet: TestWallet }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const wallet = new TestWallet(rpcUrl);
  await wallet.switchTo(index);
  await wallet.install(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(`${url}: ${error.message}`));
  await page.goto(url);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Stoa Test Wallet" }).click();
  await page.getByTestId("account").waitFor({ timeout: 30_000 });
  return { page, wallet };
}

interface RpcError {
  code: number;
  message: string;
}
type Answer = { result: unknown } | { error: RpcError };

/**
 * A wallet holding Hardhat dev accounts, answering EIP-1193 requests from the page: accounts,
 * personal_sign, eth_signTypedData_v4 and eth_sendTransaction signed here; anything else passed
 * to the chain's RPC.
 */
export class TestWallet {
  readonly #provider: JsonRpcProvider;
  readonly #accounts: HDNodeWallet[];
  #current = 1;
  #rejectNext = false;
  readonly #pages = new Set<Page>();
  /** Every method the page asked for, in order. */
  readonly calls: string[] = [];

  constructor(rpcUrl: string) {
    this.#provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, staticNetwork: true });
    const mnemonic = Mnemonic.fromPhrase(DEV_MNEMONIC);
    this.#accounts = Array.from({ length: 10 }, (_, i) =>
      HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`).connect(this.#provider),
    );
  }

  address(index = this.#current): string {
    return this.#accounts[index]!.address.toLowerCase();
  }

  /** The next request that needs the person's approval is rejected (EIP-1193 4001). */
  rejectNext(): void {
    this.#rejectNext = true;
  }

  /** Switches to dev account `index` and tells every page (accountsChanged). */
  async switchTo(index: number): Promise<void> {
    this.#current = index;
    for (const page of this.#pages) {
      await page.evaluate(
        (accounts) => (window as unknown as TestWindow).__stoaEmit("accountsChanged", accounts),
        [this.address()],
      );
    }
  }

  /** Injects the wallet into every page of `context`, announced through EIP-6963. */
  async install(context: BrowserContext): Promise<void> {
    context.on("page", (page) => {
      this.#pages.add(page);
      page.on("close", () => this.#pages.delete(page));
    });
    await context.exposeBinding("__stoaWallet", (_source, request: { method: string; params?: unknown[] }) =>
      this.#answer(request),
    );
    await context.addInitScript({ content: `(${injectWallet.toString()})()` });
  }

  async #answer({ method, params = [] }: { method: string; params?: unknown[] }): Promise<Answer> {
    this.calls.push(method);
    const wallet = this.#accounts[this.#current]!;
    const approval = ["eth_requestAccounts", "personal_sign", "eth_signTypedData_v4", "eth_sendTransaction"];
    if (approval.includes(method) && this.#rejectNext) {
      this.#rejectNext = false;
      return { error: { code: 4001, message: "User rejected the request." } };
    }
    try {
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return { result: [wallet.address] };
        case "personal_sign":
          return { result: await wallet.signMessage(getBytes(params[0] as string)) };
        case "eth_signTypedData_v4": {
          const data = JSON.parse(params[1] as string) as {
            domain: Record<string, unknown>;
            types: Record<string, TypedDataField[]>;
            message: Record<string, unknown>;
          };
          const { EIP712Domain: _domain, ...types } = data.types;
          return { result: await wallet.signTypedData(data.domain, types, data.message) };
        }
        case "eth_sendTransaction": {
          const tx = params[0] as { to?: string; data?: string; value?: string; gas?: string };
          const sent = await wallet.sendTransaction({
            to: tx.to,
            data: tx.data,
            value: tx.value ? BigInt(tx.value) : 0n,
            gasLimit: tx.gas ? BigInt(tx.gas) : undefined,
          });
          return { result: sent.hash };
        }
        case "wallet_switchEthereumChain":
        case "wallet_revokePermissions":
          return { result: null };
        default:
          return { result: await this.#provider.send(method, params) };
      }
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: string };
      return { error: { code: typeof code === "number" ? code : -32603, message: message ?? String(error) } };
    }
  }
}

interface TestWindow {
  __stoaWallet(request: { method: string; params?: unknown[] }): Promise<Answer>;
  __stoaEmit(event: string, data: unknown): void;
}

/** Runs in the page, before its scripts: an EIP-1193 provider announced through EIP-6963. */
function injectWallet() {
  const w = window as unknown as TestWindow & Window;
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const provider = {
    async request({ method, params }: { method: string; params?: unknown[] }) {
      const answer = await w.__stoaWallet({ method, params });
      if ("error" in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
      return answer.result;
    },
    on(event: string, listener: (data: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    },
    removeListener(event: string, listener: (data: unknown) => void) {
      listeners.get(event)?.delete(listener);
    },
  };
  w.__stoaEmit = (event, data) => listeners.get(event)?.forEach((listener) => listener(data));
  const info = Object.freeze({
    uuid: crypto.randomUUID(),
    name: "Stoa Test Wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Crect width='8' height='8' fill='%23396'/%3E%3C/svg%3E",
    rdns: "org.stoa.testwallet",
  });
  const announce = () =>
    w.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  w.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/** A `size` x `size` PNG (a diagonal gradient), made here so that the test needs no fixture file. */
export function gradientPng(size = 64): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) rows.set([(x * 255) / size, (y * 255) / size, 160], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Saves a full-page screenshot for review: dapp/test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
