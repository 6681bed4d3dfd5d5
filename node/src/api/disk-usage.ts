/**
 * Bytes the repo's parts take on disk (blocks, OrbitDB, indexes, chain), for GET /v1/node and the
 * metrics. Walking a directory costs, so each figure is cached for a while.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { paths } from "../repo.ts";

/** How long a figure is reused (ms). */
export const DISK_USAGE_TTL_MS = 30_000;

/** Bytes of the files under `dir` (0 if it does not exist). */
export async function bytesUnder(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += await stat(join(entry.parentPath, entry.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}

/** The repo's parts, by name: blocks, data (libp2p and Helia), orbitdb, index, chain. */
export function repoParts(repo: string): Record<string, string> {
  const p = paths(repo);
  return {
    blocks: join(p.node, "blocks"),
    data: p.datastore,
    orbitdb: join(p.node, "orbitdb"),
    index: join(p.node, "index"),
    chain: p.chain,
  };
}

export class DiskUsage {
  readonly #repo: string;
  #cached?: { at: number; parts: Promise<Record<string, number>> };

  constructor(repo: string) {
    this.#repo = repo;
  }

  /** Bytes per part of the repo, at most DISK_USAGE_TTL_MS old. */
  async parts(now = Date.now()): Promise<Record<string, number>> {
    if (!this.#cached || now - this.#cached.at > DISK_USAGE_TTL_MS) {
      this.#cached = { at: now, parts: this.#measure() };
    }
    return this.#cached.parts;
  }

  async #measure(): Promise<Record<string, number>> {
    const entries = Object.entries(repoParts(this.#repo));
    const sizes = await Promise.all(entries.map(([, dir]) => bytesUnder(dir)));
    return Object.fromEntries(entries.map(([name], i) => [name, sizes[i]!]));
  }
}
