import { checkReadiness } from "./readiness.js";
function sendJson(res, status, body) {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}
/**
 * GET /healthz (the process answers), /readyz (Redis and queue answer; 503 otherwise) and /metrics
 * (Prometheus text format). Returns false for any other request, so the next handler gets it.
 */
export function createHealthHandler(options) {
    return async (req, res) => {
        if (req.method !== "GET" && req.method !== "HEAD")
            return false;
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
