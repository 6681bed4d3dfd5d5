/**
 * Probes for supervisors (Kubernetes, Docker, systemd): liveness says the process answers;
 * readiness says the node is started and the chain indexer has caught up, so that a load
 * balancer sends no traffic to a node that would answer from stale state.
 */
import { healthSchema, readySchema } from "@stoa/protocol/api";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { chainReadiness } from "./chain.ts";

export function registerHealthRoutes(app: ApiApp, ctx: DaemonContext, isClosing: () => boolean): void {
  app.get(
    "/v1/health",
    {
      schema: {
        tags: ["operations"],
        summary: "Liveness: the process answers",
        response: { 200: healthSchema },
      },
    },
    () => ({ status: "ok" as const }),
  );

  app.get(
    "/v1/ready",
    {
      schema: {
        tags: ["operations"],
        summary: "Readiness: node started and chain indexer synced (503 until then)",
        response: { 200: readySchema, 503: readySchema },
      },
    },
    (_request, reply) => {
      const node = ctx.node.isStarted && !isClosing();
      const chain = chainReadiness(ctx);
      const ready = node && chain;
      void reply.code(ready ? 200 : 503);
      return { ready, node, chain };
    },
  );
}
