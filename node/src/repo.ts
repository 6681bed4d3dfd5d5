/**
 * The repo: one directory per node (`--repo`, STOA_REPO, default ~/.stoa) holding its
 * configuration, its libp2p key (the peer id), an admin token for the local CLI, the node's stores
 * and indexes, and the chain indexer's database.
 *
 *   repo.json      format version and creation time
 *   config.yaml    settings, commented
 *   admin-token    bearer token of the admin API (connect, config), readable by the owner only
 *   node/          blocks, data (incl. the libp2p key), orbitdb, index
 *   chain/         chain indexer database, dev chain deployment manifest
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CONFIG_FILE, defaultConfigYaml, loadConfig, type StoaConfig } from "./config.ts";

export const REPO_VERSION = 1;

/** A repo problem the user can fix; the message says how. */
export class RepoError extends Error {
  override name = "RepoError" as const;
  readonly code: "exists" | "missing" | "damaged";
  constructor(message: string, code: "exists" | "missing" | "damaged") {
    super(message);
    this.code = code;
  }
}

/** The repo directory from a flag, STOA_REPO, or ~/.stoa. */
export function repoPath(flag?: string, env: Record<string, string | undefined> = process.env): string {
  return resolve(flag ?? env.STOA_REPO ?? join(homedir(), ".stoa"));
}

export const paths = (repo: string) => ({
  manifest: join(repo, "repo.json"),
  config: join(repo, CONFIG_FILE),
  adminToken: join(repo, "admin-token"),
  node: join(repo, "node"),
  datastore: join(repo, "node", "data"),
  chain: join(repo, "chain"),
});

export interface InitResult {
  repo: string;
  peerId: string;
}

/** Creates a repo; refuses to touch an existing one. */
export async function initRepo(repo: string): Promise<InitResult> {
  const p = paths(repo);
  if (existsSync(p.manifest) || existsSync(p.config)) {
    throw new RepoError(`${repo} already holds a Stoa repo; use another --repo, or remove it to start over`, "exists");
  }
  if (existsSync(repo) && readdirSync(repo).length > 0) {
    throw new RepoError(`${repo} is not empty; choose an empty or new directory with --repo`, "exists");
  }
  mkdirSync(p.chain, { recursive: true });
  mkdirSync(p.node, { recursive: true });
  writeFileSync(p.config, defaultConfigYaml());
  writeFileSync(p.adminToken, randomBytes(32).toString("hex"), { mode: 0o600 });
  chmodSync(p.adminToken, 0o600);
  const peerId = await readPeerId(repo, true);
  writeFileSync(p.manifest, `${JSON.stringify({ version: REPO_VERSION, createdAt: new Date().toISOString() })}\n`);
  return { repo, peerId };
}

/** Checks that `repo` is a usable repo and returns its configuration. */
export function openRepo(repo: string, options: Parameters<typeof loadConfig>[0] = {}): StoaConfig {
  const p = paths(repo);
  if (!existsSync(p.manifest)) {
    throw new RepoError(`no Stoa repo at ${repo}; create one with \`stoa init --repo ${repo}\``, "missing");
  }
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(p.manifest, "utf8")) as { version?: unknown }).version;
  } catch {
    throw new RepoError(
      `${p.manifest} is damaged (not JSON); restore it or create a new repo with \`stoa init\``,
      "damaged",
    );
  }
  if (version !== REPO_VERSION) {
    throw new RepoError(
      `${repo} has repo format ${String(version)}; this stoa reads format ${REPO_VERSION}`,
      "damaged",
    );
  }
  if (!existsSync(p.adminToken)) {
    throw new RepoError(`${p.adminToken} is missing; restore it or create a new repo with \`stoa init\``, "damaged");
  }
  return loadConfig({ ...options, repo });
}

export function readAdminToken(repo: string): string {
  return readFileSync(paths(repo).adminToken, "utf8").trim();
}

/** The node's peer id, from the libp2p key in its datastore (created when `create`). */
export async function readPeerId(repo: string, create = false): Promise<string> {
  // Loaded here, not at the top: every CLI command imports this module, few need a key.
  const [{ loadOrCreateSelfKey }, { peerIdFromPrivateKey }, { LevelDatastore }] = await Promise.all([
    import("@libp2p/config"),
    import("@libp2p/peer-id"),
    import("datastore-level"),
  ]);
  const datastore = new LevelDatastore(paths(repo).datastore);
  await datastore.open();
  try {
    if (!create && !(await datastore.has(new (await import("interface-datastore")).Key("/pkcs8/self")))) {
      throw new RepoError(`${repo} has no node key yet; run \`stoa daemon\` once`, "damaged");
    }
    return peerIdFromPrivateKey(await loadOrCreateSelfKey(datastore)).toString();
  } finally {
    await datastore.close();
  }
}
