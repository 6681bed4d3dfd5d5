/**
 * The node's one typed configuration: defaults, then the repo's config.yaml, then the environment
 * (STOA_<SETTING>, e.g. STOA_API_PORT), then command-line flags, validated with zod. Every setting
 * is declared once below with its description, from which come the commented config.yaml that
 * `stoa init` writes, `stoa config --help`, and the checks of `stoa config set`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NETWORK_ID } from "@stoa/protocol";
import { parseDocument, stringify } from "yaml";
import { z } from "zod";

const multiaddrText = z
  .string()
  .regex(/^\/(ip4|ip6|dns4|dns6|dns)\//, "must be a multiaddr like /ip4/127.0.0.1/tcp/4001");

/** Every setting: its schema, default and description (the documentation is generated from it). */
export const SETTINGS = {
  network: {
    schema: z.string().regex(NETWORK_ID, "must be lower-case letters, digits and dashes").max(64),
    default: "stoa-dev",
    doc: "The Stoa network: databases and record signatures are bound to it; nodes of one network meet.",
  },
  "api.host": {
    schema: z.string().min(1),
    default: "127.0.0.1",
    doc: "Address the HTTP API (and the dApp) listens on. Keep 127.0.0.1 unless a proxy fronts the node.",
  },
  "api.port": { schema: z.number().int().min(0).max(65535), default: 8080, doc: "HTTP API port (0 picks a free one)." },
  "api.publicUrl": {
    schema: z.union([z.literal(""), z.url()]),
    default: "",
    doc: "URL people reach the node at; SIWE sign-in messages must name its host and URI. Empty: http://<host>:<port>.",
  },
  "api.bodyLimitBytes": {
    schema: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    default: 1_048_576,
    doc: "Largest JSON request body, in bytes.",
  },
  "api.rateLimitPerIp": {
    schema: z.number().int().min(1),
    default: 1200,
    doc: "Requests per minute one IP address may make.",
  },
  "api.rateLimitPerSession": {
    schema: z.number().int().min(1),
    default: 600,
    doc: "Requests per minute one signed-in session may make.",
  },
  "api.corsOrigins": {
    schema: z.array(z.string()),
    default: [] as string[],
    doc: "Origins (besides the node's own) allowed to call the API from a browser.",
  },
  "auth.sessionTtlSeconds": {
    schema: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600),
    default: 86_400,
    doc: "How long a SIWE session lasts, in seconds.",
  },
  "auth.nonceTtlSeconds": {
    schema: z.number().int().min(10).max(3600),
    default: 300,
    doc: "How long a sign-in nonce may wait for its signature, in seconds.",
  },
  "p2p.listen": {
    schema: z.array(multiaddrText),
    default: ["/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/tcp/4002/ws"],
    doc: "libp2p listen addresses (TCP and WebSocket).",
  },
  "p2p.peers": {
    schema: z.array(multiaddrText),
    default: [] as string[],
    doc: "Peers to dial at start (multiaddrs with /p2p/<peer id>). There is no public discovery.",
  },
  "p2p.loopbackOnly": {
    schema: z.boolean(),
    default: false,
    doc: "Refuse every non-loopback connection (tests, local development).",
  },
  "chain.mode": {
    schema: z.enum(["dev", "rpc"]),
    default: "dev" as "dev" | "rpc",
    doc: "dev: run an in-process dev chain with the contracts deployed; rpc: follow chain.rpcUrl.",
  },
  "chain.rpcUrl": {
    schema: z.union([z.literal(""), z.url()]),
    default: "",
    doc: "JSON-RPC URL of the chain (rpc mode).",
  },
  "chain.deployment": {
    schema: z.string(),
    default: "",
    doc: "Path of the deployment manifest (rpc mode; deployments/<chainId>.json).",
  },
  "chain.devPort": {
    schema: z.number().int().min(0).max(65535),
    default: 8545,
    doc: "Port of the dev chain's JSON-RPC on 127.0.0.1 (dev mode).",
  },
  "content.maxBytes": {
    schema: z.number().int().min(1024),
    default: 64 * 1024 * 1024,
    doc: "Largest file the node adds or serves, in bytes.",
  },
  "dapp.dir": {
    schema: z.string(),
    default: "",
    doc: "Folder of the built dApp served at / (empty: none).",
  },
  "log.level": {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info" as string,
    doc: "Log level.",
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

export interface StoaConfig {
  network: string;
  api: {
    host: string;
    port: number;
    publicUrl: string;
    bodyLimitBytes: number;
    rateLimitPerIp: number;
    rateLimitPerSession: number;
    corsOrigins: string[];
  };
  auth: { sessionTtlSeconds: number; nonceTtlSeconds: number };
  p2p: { listen: string[]; peers: string[]; loopbackOnly: boolean };
  chain: { mode: "dev" | "rpc"; rpcUrl: string; deployment: string; devPort: number };
  content: { maxBytes: number };
  dapp: { dir: string };
  log: { level: string };
}

/** A setting's value is wrong: names the setting, where it came from and the rule. */
export class ConfigError extends Error {
  override name = "ConfigError" as const;
  readonly setting: string;
  constructor(message: string, setting: string) {
    super(message);
    this.setting = setting;
  }
}

export const CONFIG_FILE = "config.yaml";

/** STOA_API_RATE_LIMIT_PER_IP for "api.rateLimitPerIp". */
export function envName(setting: SettingName): string {
  return `STOA_${setting
    .replace(/\./g, "_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()}`;
}

function getPath(tree: Record<string, unknown>, setting: string): unknown {
  return setting.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
}

function setPath(tree: Record<string, unknown>, setting: string, value: unknown): void {
  const keys = setting.split(".");
  let node = tree;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

/** Parses a setting given as text (environment, flags, `stoa config set`) into its type. */
export function parseSettingText(setting: SettingName, text: string): unknown {
  const spec = SETTINGS[setting];
  const sample = spec.default as unknown;
  if (Array.isArray(sample)) return text.trim() === "" ? [] : text.split(",").map((s) => s.trim());
  if (typeof sample === "number") return text.trim() === "" ? NaN : Number(text);
  if (typeof sample === "boolean") {
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    return text;
  }
  return text;
}

function check(setting: SettingName, value: unknown, source: string): unknown {
  if (typeof value === "number" && Number.isNaN(value)) {
    throw new ConfigError(`${setting} (from ${source}): must be a number`, setting);
  }
  const result = SETTINGS[setting].schema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(`${setting} (from ${source}): ${result.error.issues[0]!.message}`, setting);
  }
  return result.data;
}

export interface LoadOptions {
  /** The repo directory (config.yaml inside); omit for defaults + env + flags only. */
  repo?: string;
  env?: Record<string, string | undefined>;
  /** Values from command-line flags, by setting name. */
  flags?: Partial<Record<SettingName, unknown>>;
}

/** The effective configuration. Throws ConfigError naming the first bad setting and its source. */
export function loadConfig({ repo, env = process.env, flags = {} }: LoadOptions = {}): StoaConfig {
  let file: Record<string, unknown> = {};
  const path = repo ? join(repo, CONFIG_FILE) : undefined;
  if (path && existsSync(path)) {
    const doc = parseDocument(readFileSync(path, "utf8"));
    if (doc.errors.length > 0) {
      throw new ConfigError(`${path} is not valid YAML: ${doc.errors[0]!.message}`, "config.yaml");
    }
    file = (doc.toJS() as Record<string, unknown> | null) ?? {};
  }
  const config: Record<string, unknown> = {};
  for (const setting of Object.keys(SETTINGS) as SettingName[]) {
    let value: unknown = SETTINGS[setting].default;
    let source = "default";
    const fromFile = getPath(file, setting);
    if (fromFile !== undefined && fromFile !== null) [value, source] = [fromFile, CONFIG_FILE];
    const fromEnv = env[envName(setting)];
    if (fromEnv !== undefined) [value, source] = [parseSettingText(setting, fromEnv), envName(setting)];
    if (flags[setting] !== undefined) [value, source] = [flags[setting], "command line"];
    setPath(config, setting, check(setting, value, source));
  }
  return config as unknown as StoaConfig;
}

/** The commented config.yaml that `stoa init` writes: every setting at its default. */
export function defaultConfigYaml(): string {
  const lines = [
    "# Stoa node configuration. Each setting can also come from the environment (its STOA_ name,",
    "# shown beside it) or a command-line flag; flags win over the environment, which wins over",
    "# this file. `stoa config --help` lists them; `stoa config set <name> <value>` edits this file.",
    "",
  ];
  let section = "";
  for (const [setting, spec] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const [head, key] = setting.includes(".") ? (setting.split(".") as [string, string]) : ["", setting];
    if (head && head !== section) {
      lines.push(`${head}:`);
      section = head;
    }
    const indent = head ? "  " : "";
    lines.push(`${indent}# ${spec.doc} (${envName(setting)})`);
    const value = stringify(spec.default, { flow: true }).trim();
    lines.push(`${indent}${key}: ${value}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `stoa config --help`: every setting with its environment variable, default and meaning. */
export function settingsHelp(): string {
  return (Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][])
    .map(
      ([name, spec]) =>
        `  ${name}\n      ${spec.doc}\n      env ${envName(name)}, default ${JSON.stringify(spec.default)}`,
    )
    .join("\n");
}

/** Reads one setting's effective value. */
export function getSetting(config: StoaConfig, setting: string): unknown {
  if (!Object.hasOwn(SETTINGS, setting)) throw new ConfigError(`unknown setting ${setting}`, setting);
  return getPath(config as unknown as Record<string, unknown>, setting);
}

/** Sets one setting in the repo's config.yaml, keeping its comments. Validates first. */
export function setSetting(repo: string, setting: string, text: string): unknown {
  if (!Object.hasOwn(SETTINGS, setting)) throw new ConfigError(`unknown setting ${setting}`, setting);
  const name = setting as SettingName;
  const value = check(name, parseSettingText(name, text), "the command line");
  const path = join(repo, CONFIG_FILE);
  const doc = parseDocument(existsSync(path) ? readFileSync(path, "utf8") : defaultConfigYaml());
  doc.setIn(setting.split("."), value);
  writeFileSync(path, doc.toString());
  return value;
}
