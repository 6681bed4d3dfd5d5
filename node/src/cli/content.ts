import { createReadStream, existsSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { CliError, print } from "./output.ts";
import { client, globals } from "./shared.ts";

/** Files above this size show a progress bar (unless --json or not a terminal). */
const PROGRESS_FROM_BYTES = 1024 * 1024;

export function register(program: Command): void {
  program
    .command("add")
    .description("Add a file to IPFS through the daemon (pinned); prints its CID")
    .argument("<file>", "path of the file")
    .action(async (file: string, _o, command: Command) => {
      const options = globals(command);
      if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`no file at ${file}`, undefined, 2);
      const size = statSync(file).size;
      const showProgress = !options.json && process.stderr.isTTY && size >= PROGRESS_FROM_BYTES;
      const bar = showProgress
        ? new SingleBar({ format: "adding [{bar}] {percentage}% {value}/{total} bytes" }, Presets.shades_classic)
        : undefined;
      bar?.start(size, 0);
      let sent = 0;
      const source = createReadStream(file);
      source.on("data", (chunk) => {
        sent += chunk.length;
        bar?.update(sent);
      });
      try {
        const response = await client(options).request(
          "POST",
          "/v1/content",
          Readable.toWeb(source) as ReadableStream,
          { "content-type": "application/octet-stream", "content-length": String(size) },
        );
        const result = (await response.json()) as { cid: string; size: number };
        bar?.stop();
        print(options, result, () => result.cid);
      } finally {
        bar?.stop();
      }
    });

  program
    .command("cat")
    .description("Write the bytes of a UnixFS file to stdout")
    .argument("<cid>", "content id")
    .action(async (cid: string, _o, command: Command) => {
      const options = globals(command);
      const response = await client(options).request("GET", `/v1/content/${encodeURIComponent(cid)}`);
      if (!response.body) return;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) process.stdout.write(chunk);
    });
}
