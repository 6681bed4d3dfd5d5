/**
 * Renders the API reference into docs/api/: openapi.json (the document the API serves at
 * GET /v1/openapi.json) and README.md (Markdown generated from it), formatted as the repo's
 * prettier check wants them. Run with `npm run docs:api` after changing a route; the API tests
 * fail while the committed files are stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { buildOpenApiDocument, renderReference } from "../src/api/reference.ts";

export const DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/api");

/** The files of docs/api/, by name. */
export async function renderDocs(): Promise<Record<string, string>> {
  const document = await buildOpenApiDocument();
  const files: Record<string, string> = {
    "openapi.json": JSON.stringify(document),
    "README.md": renderReference(document),
  };
  for (const [name, text] of Object.entries(files)) {
    const filepath = join(DOCS_DIR, name);
    files[name] = await format(text, { ...(await resolveConfig(filepath)), filepath });
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await renderDocs();
  mkdirSync(DOCS_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(DOCS_DIR, name), text);
  console.log(`wrote ${Object.keys(files).join(", ")} to ${DOCS_DIR}`);
}
