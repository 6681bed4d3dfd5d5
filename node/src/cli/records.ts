import type { Command } from "commander";
import { FAMILIES } from "@stoa/protocol";
import { CliError, print } from "./output.ts";
import { client, globals } from "./shared.ts";

interface Page {
  items: { id: string; type: string; author: string; createdAt: number; body: Record<string, unknown> }[];
  next?: string;
}

export function register(program: Command): void {
  program
    .command("records")
    .description("Query a record family through the daemon (full text, filters, paging)")
    .argument("<family>", `one of ${Object.keys(FAMILIES).join(", ")}`)
    .argument("[text]", "full-text query")
    .option("--author <address>", "only this author's records")
    .option("--filter <name=value...>", "family filter, e.g. category=books or price.gte=100")
    .option("--sort <sort>", "newest, oldest, relevance, price-asc, ... (per family)")
    .option("--limit <n>", "records per page (1-100)", "20")
    .option("--cursor <cursor>", "continue after a previous page")
    .action(
      async (
        family: string,
        text: string | undefined,
        flags: Record<string, string | string[] | undefined>,
        command: Command,
      ) => {
        const options = globals(command);
        if (!Object.hasOwn(FAMILIES, family)) {
          throw new CliError(`unknown family ${family}`, `Use one of: ${Object.keys(FAMILIES).join(", ")}.`, 2);
        }
        const params = new URLSearchParams();
        if (text) params.set("text", text);
        for (const key of ["author", "sort", "limit", "cursor"]) {
          const value = flags[key];
          if (typeof value === "string") params.set(key, value);
        }
        for (const filter of (flags.filter as string[] | undefined) ?? []) {
          const eq = filter.indexOf("=");
          if (eq < 1)
            throw new CliError(`bad filter ${filter}`, "Write filters as name=value, e.g. category=books.", 2);
          params.set(`filter.${filter.slice(0, eq)}`, filter.slice(eq + 1));
        }
        const page = await client(options).json<Page>("GET", `/v1/records/${family}?${params}`);
        print(options, page, () => {
          if (page.items.length === 0) return "no records";
          const lines = page.items.map((r) => {
            const title = (r.body.title ?? r.body.name ?? r.type) as string;
            return `${r.id.slice(0, 12)}…  ${new Date(r.createdAt).toISOString()}  ${r.author.slice(0, 10)}…  ${title}`;
          });
          if (page.next) lines.push(`more: --cursor ${page.next}`);
          return lines.join("\n");
        });
      },
    );
}
