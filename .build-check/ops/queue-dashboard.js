import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import express from "express";
import { hasBasicCredentials } from "./basic-auth.js";
export const DASHBOARD_PATH = "/admin/queues";
const DASHBOARD_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    // The loading screen and React set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
].join("; ");
/**
 * Bull Board at /admin/queues behind HTTP basic auth. Without credentials configured there is no
 * handler at all, so the path answers 404 like any unknown path.
 */
export function createQueueDashboardHandler(options) {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
        queues: options.queues.map((queue) => new BullMQAdapter(queue)),
        serverAdapter,
        options: { uiConfig: { boardTitle: "codex-review" } },
    });
    const app = express();
    app.disable("x-powered-by");
    app.use(DASHBOARD_PATH, (req, res, next) => {
        if (hasBasicCredentials(req, options.credentials))
            return next();
        res.set("WWW-Authenticate", 'Basic realm="codex-review queues", charset="UTF-8"').status(401).send("Authentication required");
    });
    app.use(DASHBOARD_PATH, (_req, res, next) => {
        // Bull Board's page links Google Fonts; keeping the page to its own origin means an operator's
        // browser makes no third-party requests (the UI falls back to local fonts) and nothing is injected.
        res.set("Content-Security-Policy", DASHBOARD_CSP);
        next();
    });
    app.use(DASHBOARD_PATH, serverAdapter.getRouter());
    return (req, res) => {
        const path = (req.url ?? "").split("?")[0];
        if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`))
            return false;
        app(req, res);
        return true;
    };
}
