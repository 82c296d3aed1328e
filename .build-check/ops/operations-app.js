import { observeQueue } from "../metrics/observe-queue.js";
import { createHealthHandler } from "./health-handler.js";
import { createQueueDashboardHandler } from "./queue-dashboard.js";
/**
 * What operators use on the web server, loaded next to the review app: delivery counts, /healthz,
 * /readyz, /metrics and the queue dashboard. Kept apart from createApp so the review handlers stay thin.
 */
export function createOperationsApp(options) {
    return (app, { addHandler }) => {
        observeQueue(options.metrics, options.queue);
        app.onAny(async (context) => {
            const action = "action" in context.payload && typeof context.payload.action === "string" ? context.payload.action : "";
            options.metrics.deliveries.inc({ event: context.name, action });
        });
        addHandler(createHealthHandler({ registry: options.metrics.registry, readiness: { redis: options.redis, queue: options.queue } }));
        if (options.dashboard)
            addHandler(createQueueDashboardHandler({ queues: [options.queue], credentials: options.dashboard }));
    };
}
/** The dashboard's credentials from DASHBOARD_USER/DASHBOARD_PASSWORD; null (dashboard off) when neither is set. */
export function dashboardCredentials(env) {
    if (!env.DASHBOARD_USER && !env.DASHBOARD_PASSWORD)
        return null;
    if (!env.DASHBOARD_USER || !env.DASHBOARD_PASSWORD) {
        throw new Error("Set both DASHBOARD_USER and DASHBOARD_PASSWORD to turn the queue dashboard on, or neither to keep it off.");
    }
    return { user: env.DASHBOARD_USER, password: env.DASHBOARD_PASSWORD };
}
