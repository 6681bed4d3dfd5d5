/**
 * The API reference in docs/api/: the OpenAPI document as the API serves it, and a Markdown page
 * rendered from it (route table, then each route's parameters, body and answers, then the
 * schemas). `npm run docs:api` writes both; a test checks that the committed files match.
 */
import type { StoaNode } from "@stoa/core";
import { pino } from "pino";
import type { ChainService } from "../chain/service.ts";
import { loadConfig } from "../config.ts";
import type { DaemonContext } from "../context.ts";
import { createApi } from "./server.ts";

interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  [key: string]: unknown;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Stands in for the node and the chain while the document is built: no handler runs. */
function absent<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`building the OpenAPI document must not use the ${what} (it read ${String(property)})`);
    },
  });
}

/** The OpenAPI document of the API, built from its routes without a node or a chain. */
export async function buildOpenApiDocument(): Promise<OpenApiDocument> {
  const ctx: DaemonContext = {
    config: loadConfig({ env: {} }),
    repo: "",
    node: absent<StoaNode>("node"),
    chain: absent<ChainService>("chain"),
    logger: pino({ level: "silent" }),
    adminToken: "",
    publicUrl: "http://127.0.0.1:8080",
    startedAt: 0,
  };
  const api = await createApi(ctx);
  await api.ready();
  const document = api.swagger() as unknown as OpenApiDocument;
  await api.close();
  return document;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n+/g, " ");
const anchor = (method: string, path: string) =>
  `${method}-${path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** A one-line description of a schema: its $ref name, or its type and main constraint. */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop()!;
    return `[${name}](#schema-${name.toLowerCase()})`;
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (schema.type === "array") return `${typeOf(schema.items as Schema)}[]`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(" \\| ");
  const pattern = typeof schema.pattern === "string" ? ` \`${schema.pattern}\`` : "";
  return `${String(schema.type ?? "any")}${pattern}`;
}

function authOf(operation: Operation): string {
  const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes("admin") && schemes.includes("session")) return "session or admin token";
  if (schemes.includes("admin")) return "admin token";
  if (schemes.includes("session")) return "session";
  return "public";
}

function routeTable(document: OpenApiDocument): string[] {
  const lines = ["| Method | Path | Auth | Answers | Summary |", "|---|---|---|---|---|"];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const codes = Object.keys(operation.responses ?? {}).join(", ");
      const link = `[\`${path}\`](#${anchor(method, path)})`;
      lines.push(
        `| ${method.toUpperCase()} | ${link} | ${authOf(operation)} | ${codes} | ${cell(operation.summary ?? "")} |`,
      );
    }
  }
  return lines;
}

function operationSection(method: string, path: string, operation: Operation): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, `<a id="${anchor(method, path)}"></a>`, ""];
  lines.push(`**${operation.summary ?? ""}** (${authOf(operation)})`, "");
  if (operation.description) lines.push(operation.description, "");
  if (operation.parameters?.length) {
    lines.push("| Parameter | In | Required | Type | Description |", "|---|---|---|---|---|");
    for (const p of operation.parameters) {
      const description = p.description ?? p.schema?.description ?? "";
      lines.push(
        `| \`${p.name}\` | ${p.in} | ${p.required ? "yes" : "no"} | ${typeOf(p.schema)} | ${cell(description)} |`,
      );
    }
    lines.push("");
  }
  for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) {
    lines.push(`Body (\`${type}\`): ${typeOf(schema) || "bytes"}`, "");
    if (schema && !schema.$ref) lines.push("```json", JSON.stringify(schema, null, 2), "```", "");
  }
  lines.push("| Status | Meaning | Body |", "|---|---|---|");
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const bodies = Object.entries(response.content ?? {}).map(([type, { schema }]) => {
      const described = schema?.$ref ? typeOf(schema) : type === "application/json" ? typeOf(schema) : "";
      return `\`${type}\`${described ? ` ${described}` : ""}`;
    });
    lines.push(`| ${status} | ${cell(response.description ?? "")} | ${bodies.join("<br>")} |`);
  }
  lines.push("");
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const schema = response.content?.["application/json"]?.schema;
    if (!status.startsWith("2") || !schema || schema.$ref) continue;
    lines.push(`${status} body:`, "", "```json", JSON.stringify(schema, null, 2), "```", "");
  }
  return lines;
}

/** The Markdown reference of `document`. */
export function renderReference(document: OpenApiDocument): string {
  const lines = [
    `# ${document.info.title} ${document.info.version}`,
    "",
    "<!-- Generated by `npm run docs:api` from the routes' zod schemas (node/src/api). Do not edit. -->",
    "",
    document.info.description ?? "",
    "",
    "The machine-readable document is [openapi.json](openapi.json), also served by every node at `GET /v1/openapi.json`.",
    "",
    "## Routes",
    "",
    ...routeTable(document),
    "",
  ];
  for (const tag of document.tags ?? []) {
    lines.push(`## ${tag.name}`, "", tag.description ?? "", "");
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (operation?.tags?.includes(tag.name)) lines.push(...operationSection(method, path, operation));
      }
    }
  }
  lines.push("## Schemas", "");
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    lines.push(`### ${name}`, `<a id="schema-${name.toLowerCase()}"></a>`, "");
    if (schema.description) lines.push(schema.description, "");
    lines.push("```json", JSON.stringify(schema, null, 2), "```", "");
  }
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
