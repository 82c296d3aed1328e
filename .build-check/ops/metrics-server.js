import { createServer } from "node:http";
import { createHealthHandler } from "./health-handler.js";
/**
 * A small HTTP server for a process with no web server of its own (a worker run apart): /healthz,
 * /readyz and /metrics on `port`; everything else is 404.
 */
export async function startMetricsServer(options) {
    const handle = createHealthHandler(options);
    const server = createServer((req, res) => {
        handle(req, res)
            .then((handled) => {
            if (!handled)
                res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        })
            .catch((error) => {
            options.log.error({ err: error }, "Metrics request failed");
            if (!res.headersSent)
                res.writeHead(500).end();
        });
    });
    await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => resolve());
    });
    options.log.info({ port: options.port }, "Metrics server listening");
    return server;
}
