/**
 * Three real `stoa daemon` processes on 127.0.0.1, on temp repos: A runs the embedded dev chain,
 * B and C follow it in rpc mode (its JSON-RPC URL and deployment manifest), so every node answers
 * SIWE for chain 31337 and only one deploys contracts. B and C dial A from their configured peers;
 * B dials C through the admin API (what `stoa connect` calls).
 *
 *   - records written to A through the API (several wallets, SIWE sessions) are served by B and C,
 *     by id and in query results; the propagation times are printed, not asserted;
 *   - B is killed with SIGKILL during a burst of API writes and restarted from its repo: every
 *     write B answered with 2xx before the kill is on B after the restart, and on A and C; B keeps
 *     its peer id.
 *
 * The API's rate limits are raised: the test polls the nodes far faster than a person would.
 * Every daemon is stopped with SIGINT at the end and must exit with code 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { expect } from "chai";
import {
  ApiClient,
  eventually,
  listingBody,
  newWallet,
  signedListing,
  type StoredListing,
  type Wallet,
} from "./api-client.ts";
import {
  adminToken,
  DaemonProcess,
  initRepo,
  loopbackSettings,
  type DaemonSummary,
  type ExitStatus,
} from "./daemon-process.ts";

const NETWORK = "stoa-multi-daemon-test";
const CHAIN_ID = 31337;
/** Requests per minute per IP and per session: far above what the polling needs. */
const RATE_LIMIT = 1_000_000;
/** Generous bound on any one wait (the machine is shared; nothing is timed by assertions). */
const WAIT_MS = 60_000;

/** A word no other run's records contain (letters only, so that full-text search finds it). */
function runWord(prefix: string): string {
  let word = prefix;
  for (let i = 0; i < 8; i++) word += String.fromCharCode(97 + randomInt(26));
  return word;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function describeTimes(times: number[]): string {
  const sorted = [...times].sort((x, y) => x - y);
  const f = (ms: number) => `${Math.round(ms)} ms`;
  return `n=${sorted.length} min ${f(sorted[0]!)} p50 ${f(percentile(sorted, 50))} p95 ${f(percentile(sorted, 95))} max ${f(sorted.at(-1)!)}`;
}

/** Waits until the node at `api` has at least `count` connected peers. */
async function waitForPeers(api: ApiClient, count: number): Promise<void> {
  await eventually(
    `${api.base} connected to ${count} peers`,
    async () => {
      const { peers } = await api.expect<{ peers: unknown[] }>(200, "GET", "/v1/peers");
      return peers.length >= count ? true : undefined;
    },
    { timeoutMs: WAIT_MS, intervalMs: 100 },
  );
}

/**
 * Polls `api` until every listing in `expected` (id -> the time its write was acknowledged) shows
 * in its authors' query results; returns each one's delay from acknowledgement to first sight.
 */
async function watchArrivals(api: ApiClient, expected: Map<string, number>, authors: string[]): Promise<number[]> {
  const delays = new Map<string, number>();
  await eventually(
    `${expected.size} listings on ${api.base}`,
    async () => {
      for (const author of authors) {
        for (const item of await api.queryAll({ author })) {
          const acknowledged = expected.get(item.id);
          if (acknowledged !== undefined && !delays.has(item.id)) delays.set(item.id, performance.now() - acknowledged);
        }
      }
      return delays.size === expected.size ? true : undefined;
    },
    { timeoutMs: WAIT_MS, intervalMs: 50 },
  );
  return [...delays.values()];
}

/** Checks that `api` serves each listing by id, unchanged. */
async function expectServedById(api: ApiClient, written: Map<string, { author: string; body: unknown }>) {
  for (const [id, record] of written) {
    const served = await api.getListing(id);
    expect(served, `${id} on ${api.base}`).to.not.equal(undefined);
    expect(served!.author).to.equal(record.author);
    expect(served!.body).to.deep.equal(record.body);
  }
}

describe("multi-daemon: three stoa daemons on loopback", function () {
  let root: string;
  const repos = { a: "", b: "", c: "" };
  const initialPeerIds: Record<string, string> = {};
  let a: DaemonProcess | undefined;
  let b: DaemonProcess | undefined;
  let c: DaemonProcess | undefined;
  let followA: string[];

  const settings = (peers: string[] = []) => loopbackSettings({ network: NETWORK, peers, rateLimit: RATE_LIMIT });
  const client = (daemon: DaemonProcess | undefined) => new ApiClient(daemon!.summary.api);
  const address = (summary: DaemonSummary) => summary.addresses[0]!;

  before(async function () {
    this.timeout(180_000);
    root = mkdtempSync(join(tmpdir(), "stoa-multi-daemon-"));
    for (const name of ["a", "b", "c"] as const) repos[name] = join(root, name);
    const ids = await Promise.all([repos.a, repos.b, repos.c].map((repo) => initRepo(repo)));
    [initialPeerIds.a, initialPeerIds.b, initialPeerIds.c] = ids as [string, string, string];

    const started = performance.now();
    a = await DaemonProcess.start({ repo: repos.a, settings: settings() });
    expect(a.summary.chain).to.include({ mode: "dev", chainId: CHAIN_ID });
    const devChainMs = performance.now() - started;
    followA = ["--rpc-url", a.summary.chain.rpcUrl, "--deployment", join(repos.a, "chain", "deployment.json")];
    [b, c] = await Promise.all(
      [repos.b, repos.c].map((repo) =>
        DaemonProcess.start({ repo, settings: settings([address(a!.summary)]), args: followA }),
      ),
    );
    for (const follower of [b!, c!]) expect(follower.summary.chain).to.include({ mode: "rpc", chainId: CHAIN_ID });
    // B -> C the way `stoa connect` does it: POST /v1/peers with the repo's admin token.
    const dialled = await client(b).expect<{ peerId: string }>(
      200,
      "POST",
      "/v1/peers",
      { address: address(c!.summary) },
      adminToken(repos.b),
    );
    expect(dialled.peerId).to.equal(c!.summary.peerId);
    await Promise.all([a, b, c].map((daemon) => waitForPeers(client(daemon), 2)));
    console.log(
      `      started: A (dev chain) in ${Math.round(devChainMs)} ms, B and C (rpc) and the mesh in ` +
        `${Math.round(performance.now() - started - devChainMs)} ms`,
    );
  });

  afterEach(function () {
    if (this.currentTest?.state !== "failed") return;
    for (const [name, daemon] of Object.entries({ a, b, c })) {
      if (!daemon) continue;
      // Errors (pino levels 50 and 60) from the whole kept log, then its last lines.
      console.log(`--- daemon ${name} (pid ${daemon.pid}) errors:\n${daemon.errors.join("\n")}`);
      console.log(`--- daemon ${name} last log lines:\n${daemon.log.split("\n").slice(-15).join("\n")}`);
    }
  });

  after(async function () {
    this.timeout(90_000);
    const daemons = { a, b, c };
    const statuses: Record<string, ExitStatus | string> = {};
    await Promise.all(
      Object.entries(daemons).map(async ([name, daemon]) => {
        if (!daemon) return;
        statuses[name] = daemon.isRunning
          ? await daemon.stop(45_000).catch((error: Error) => error.message)
          : "had exited already";
      }),
    );
    if (root) rmSync(root, { recursive: true, force: true });
    for (const [name, status] of Object.entries(statuses)) {
      expect(status, `daemon ${name} after SIGINT`).to.deep.equal({ code: 0, signal: null });
    }
  });

  it("serves on B and C, by id and in queries, the records written to A", async function () {
    this.timeout(120_000);
    const word = runWord("spread");
    const wallets = [newWallet(), newWallet(), newWallet(), newWallet()];
    const perWallet = 5;
    const api = client(a);
    const tokens = await Promise.all(wallets.map((w) => api.signIn(w, CHAIN_ID)));

    const written = new Map<string, { author: string; body: StoredListing["body"] }>();
    const acknowledgedAt = new Map<string, number>();
    await Promise.all(
      wallets.map(async (who, w) => {
        for (let i = 0; i < perWallet; i++) {
          const body = listingBody(`spread-${w}-${i}`, word, w * perWallet + i);
          const id = await api.putListing(signedListing(NETWORK, who, body), tokens[w]!);
          acknowledgedAt.set(id, performance.now());
          written.set(id, { author: who.address, body });
        }
      }),
    );
    expect(written.size).to.equal(wallets.length * perWallet);

    const authors = wallets.map((w) => w.address);
    const [onB, onC] = await Promise.all([b, c].map((d) => watchArrivals(client(d), acknowledgedAt, authors)));
    console.log(`      A -> B, acknowledged on A to listed on B: ${describeTimes(onB!)}`);
    console.log(`      A -> C, acknowledged on A to listed on C: ${describeTimes(onC!)}`);

    for (const daemon of [b, c]) {
      const other = client(daemon);
      await expectServedById(other, written);
      const byText = await other.queryAll({ text: word });
      expect(byText.map((r) => r.id)).to.have.members([...written.keys()]);
      const books = await other.queryAll({ text: word, "filter.category": "books" });
      const expectedBooks = [...written].filter(([, r]) => r.body.category === "books").map(([id]) => id);
      expect(books.map((r) => r.id)).to.have.members(expectedBooks);
    }
  });

  it("keeps every write B acknowledged before a SIGKILL, on B after its restart and on A and C", async function () {
    this.timeout(150_000);
    const word = runWord("burst");
    const writers: Wallet[] = [newWallet(), newWallet(), newWallet()];
    const api = client(b);
    const tokens = await Promise.all(writers.map((w) => api.signIn(w, CHAIN_ID)));
    const peerIdBefore = b!.summary.peerId;
    expect(peerIdBefore).to.equal(initialPeerIds.b);

    const acknowledged = new Map<string, { author: string; body: StoredListing["body"] }>();
    const unanswered: { author: string; body: StoredListing["body"] }[] = [];
    const refusedBeforeKill: string[] = [];
    let killed = false;
    let inFlight = 0;
    const burstStarted = performance.now();
    const burst = writers.map(async (who, w) => {
      for (let i = 0; !killed; i++) {
        const body = listingBody(`burst-${w}-${i}`, word, i);
        const record = signedListing(NETWORK, who, body);
        inFlight++;
        try {
          const answer = await api.request<{ records: { id: string }[] }>(
            "POST",
            "/v1/records/listings",
            record,
            tokens[w],
          );
          if (answer.status >= 200 && answer.status < 300) {
            const id = answer.body.records[0]!.id;
            acknowledged.set(id, { author: who.address, body });
          } else if (!killed) refusedBeforeKill.push(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
        } catch {
          // No answer: the connection died with B. Such a write was never acknowledged.
          unanswered.push({ author: who.address, body });
        } finally {
          inFlight--;
        }
      }
    });

    // Kill B in the middle of the burst, with writes in flight.
    const killAfter = 24;
    const enough = () => Promise.resolve(acknowledged.size >= killAfter || undefined);
    await eventually(`${killAfter} writes acknowledged by B`, enough, { timeoutMs: WAIT_MS, intervalMs: 5 });
    const inFlightAtKill = inFlight;
    const burstMs = performance.now() - burstStarted;
    b!.signal("SIGKILL");
    killed = true;
    const killedStatus = await b!.exited;
    await Promise.all(burst);
    expect(killedStatus).to.deep.equal({ code: null, signal: "SIGKILL" });
    expect(refusedBeforeKill).to.deep.equal([]);
    const acknowledgedAtKill = acknowledged.size;
    // What had reached the others while B was alive (the rest must come from B's repo later).
    const reachedBeforeRestart = await Promise.all(
      [a, c].map(async (d) => (await client(d).queryAll({ text: word })).filter((r) => acknowledged.has(r.id)).length),
    );

    const restartStarted = performance.now();
    b = await DaemonProcess.start({
      repo: repos.b,
      settings: settings([address(a!.summary), address(c!.summary)]),
      args: followA,
    });
    const restartMs = performance.now() - restartStarted;
    expect(b.summary.peerId).to.equal(peerIdBefore);

    // On B, at once: what B acknowledged is in its own repo, not something peers brought back later.
    const restarted = client(b);
    await expectServedById(restarted, acknowledged);
    const listedOnB = await restarted.queryAll({ text: word });
    expect(listedOnB.map((r) => r.id)).to.include.members([...acknowledged.keys()]);
    const unansweredStored = listedOnB.length - acknowledged.size;

    // On A and C, eventually (what B had not gossiped before it died comes when it is back).
    const backAt = performance.now();
    const completeAfterRestart = await Promise.all(
      [a, c].map(async (d) => {
        await eventually(
          `B's ${acknowledged.size} acknowledged writes on ${d!.summary.api}`,
          async () => {
            const listed = await client(d).queryAll({ text: word });
            return listed.filter((r) => acknowledged.has(r.id)).length === acknowledged.size ? true : undefined;
          },
          { timeoutMs: WAIT_MS },
        );
        return performance.now() - backAt;
      }),
    );
    for (const daemon of [a, c]) await expectServedById(client(daemon), acknowledged);
    await waitForPeers(restarted, 2);

    // B is a full member again: a write after the restart reaches the others.
    const token = await restarted.signIn(writers[0]!, CHAIN_ID);
    const after = listingBody("after-restart", word, 1000);
    const afterId = await restarted.putListing(signedListing(NETWORK, writers[0]!, after), token);
    const afterAck = performance.now();
    const afterDelays = await Promise.all(
      [a, c].map(async (d) => {
        await eventually(`${afterId} on ${d!.summary.api}`, () => client(d).getListing(afterId), {
          timeoutMs: WAIT_MS,
        });
        return performance.now() - afterAck;
      }),
    );

    console.log(
      `      B killed ${Math.round(burstMs)} ms into the burst with ${inFlightAtKill} writes in flight: ` +
        `${acknowledgedAtKill} acknowledged (all on B after the restart), ${unanswered.length} unanswered ` +
        `(${unansweredStored} of them stored anyway); on A / C before B's restart: ${reachedBeforeRestart.join(" / ")} of them; ` +
        `restart took ${Math.round(restartMs)} ms, same peer id`,
    );
    console.log(
      `      all ${acknowledgedAtKill} on A / C: ${completeAfterRestart.map((ms) => `${Math.round(ms)} ms`).join(" / ")} ` +
        `after B served again`,
    );
    console.log(
      `      a write to the restarted B, by id on A / C after: ${afterDelays.map((ms) => `${Math.round(ms)} ms`).join(" / ")}`,
    );
  });
});
