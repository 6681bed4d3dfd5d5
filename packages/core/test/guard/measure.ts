/**
 * Figures for the gossip validator (not a test): cost per message by kind, and how long a
 * forger flooding at 50 and 500 messages/s takes to get graylisted. Run:
 *   node packages/core/test/guard/measure.ts
 */
import { recordDigest } from "@stoa/protocol";
import { documentOf, GuardedPeer, NETWORK, profile, sleep, waitFor, wallet, type CraftedEntry } from "./fixtures.ts";

const N = 300;

function summary(ms: number[]): string {
  const s = [...ms].sort((x, y) => x - y);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
  const mean = (s.reduce((a, b) => a + b, 0) / s.length).toFixed(2);
  return `mean ${mean} ms, p50 ${q(0.5)} ms, p95 ${q(0.95)} ms`;
}

async function timed(peer: GuardedPeer, entries: CraftedEntry[], from: () => string): Promise<number[]> {
  const ms: number[] = [];
  for (const entry of entries) {
    const started = performance.now();
    await peer.v.validate(from(), { data: entry.bytes });
    ms.push(performance.now() - started);
  }
  return ms;
}

const forge = (peer: GuardedPeer) => {
  const record = profile(wallet());
  const tampered = { ...record, body: { name: `${record.body.name}!` } };
  return peer.craft(documentOf(tampered, recordDigest(NETWORK, tampered)));
};

async function costs(): Promise<void> {
  const v = await GuardedPeer.start("measure-v", {
    limits: { authorRate: { max: 100_000, windowMs: 60_000 }, relayBudget: { max: 100_000, windowMs: 60_000 } },
  });
  const f = await GuardedPeer.start("measure-f", { guard: false });
  try {
    let n = 0;
    const fresh = () => `peer-${++n}`;
    const valid = await Promise.all(Array.from({ length: N }, () => f.craft(documentOf(profile(wallet())))));
    const forged = await Promise.all(Array.from({ length: N }, () => forge(f)));
    await timed(v, valid.slice(0, 20), fresh); // warm-up (JIT, caches of the first calls)
    console.log(`valid new record, no ancestors:      ${summary(await timed(v, valid.slice(20), fresh))}`);
    console.log(`same entries again (known):          ${summary(await timed(v, valid.slice(20), fresh))}`);
    console.log(`forged record (bad signature):       ${summary(await timed(v, forged, fresh))}`);
    console.log(`same forgeries again (from memory):  ${summary(await timed(v, forged, fresh))}`);
    const mallory = wallet();
    v.policy.deny(mallory.address);
    const denied = await Promise.all(Array.from({ length: N }, () => f.craft(documentOf(profile(mallory)))));
    console.log(`denied author (refused on its claim): ${summary(await timed(v, denied, fresh))}`);
    const spam = await Promise.all(Array.from({ length: N }, () => f.craft(documentOf(profile(wallet())))));
    const strict = await GuardedPeer.start("measure-strict", {
      limits: { relayBudget: { max: 10, windowMs: 60_000 } },
    });
    try {
      const ms = await timed(strict, spam, () => "one-relay");
      console.log(`fresh-wallet spam, first 10 (within budget): ${summary(ms.slice(0, 10))}`);
      console.log(`fresh-wallet spam, over budget:             ${summary(ms.slice(10))}`);
      console.log(`  ${JSON.stringify(strict.v.stats()).slice(0, 200)}`);
    } finally {
      await strict.stop();
    }
  } finally {
    await f.stop();
    await v.stop();
  }
}

async function graylist(rate: number): Promise<void> {
  const victim = await GuardedPeer.start(`measure-victim-${rate}`);
  const forger = await GuardedPeer.start(`measure-forger-${rate}`, { guard: false });
  try {
    await forger.dial(victim);
    await forger.waitForSubscriber(victim);
    const flood = await Promise.all(Array.from({ length: rate * 4 }, () => forge(forger)));
    const score = () => victim.guard.stats().peers.find((p) => p.peer === forger.peerId)?.score ?? 0;
    const started = performance.now();
    let sent = 0;
    const sending = (async () => {
      while (sent < flood.length && score() >= -95) {
        await forger.publish(flood[sent++]!);
        const due = started + (sent * 1000) / rate - performance.now();
        if (due > 0) await sleep(due);
      }
    })();
    await waitFor(() => score() < -95, 10_000, "graylisting");
    const ms = performance.now() - started;
    await sending;
    const s = victim.v.stats();
    console.log(
      `flood at ${rate}/s: graylisted by gossipsub after ${ms.toFixed(0)} ms, ${sent} sent; ` +
        `validator saw ${s.messages} (${s.rejected} rejected, ${s.dropped} dropped unread by its own graylist)`,
    );
  } finally {
    await forger.stop();
    await victim.stop();
  }
}

await costs();
await graylist(50);
await graylist(500);
