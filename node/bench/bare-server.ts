/**
 * The API benchmark's floor: a bare node:http server on 127.0.0.1 (free port) answering every
 * request with the same JSON body (BARE_BODY, e.g. a real record as the API serves it). It prints
 * {"port": N} when it listens and exits 0 on SIGINT.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.from(process.env.BARE_BODY ?? '{"status":"ok"}');
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once("SIGINT", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
