import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { checkReadiness, type ReadinessDeps } from "./readiness.js";

export interface HealthHandlerOptions {
  registry: Registry;
  /** Omit for a process with no readiness of its own to report. */
  readiness?: ReadinessDeps;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/**
 * GET /healthz (the process answers), /readyz (Redis and queue answer; 503 otherwise) and /metrics
 * (Prometheus text format). Returns false for any other request, so the next handler gets it.
 */
export function createHealthHandler(options: HealthHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return true;
    }
    if (path === "/readyz" && options.readiness) {
      const readiness = await checkReadiness(options.readiness);
      sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not ready", checks: readiness.checks });
      return true;
    }
    if (path === "/metrics") {
      const text = await options.registry.metrics();
      res.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" }).end(text);
      return true;
    }
    return false;
  };
}
