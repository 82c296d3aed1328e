import type { ApplicationFunction } from "probot";
import type { Queue } from "bullmq";
import type { AppEnv } from "../config/env.js";
import type { AppMetrics } from "../metrics/app-metrics.js";
import { observeQueue } from "../metrics/observe-queue.js";
import { createHealthHandler } from "./health-handler.js";
import type { ReadinessDeps } from "./readiness.js";
import type { BasicCredentials } from "./basic-auth.js";
import { createQueueDashboardHandler } from "./queue-dashboard.js";

export interface OperationsOptions {
  metrics: AppMetrics;
  queue: Queue;
  redis: ReadinessDeps["redis"];
  /** Dashboard credentials; null turns /admin/queues off. */
  dashboard: BasicCredentials | null;
}

/**
 * What operators use on the web server, loaded next to the review app: /healthz, /readyz, /metrics and
 * the queue dashboard. Kept apart from createApp so the review handlers stay thin; delivery counts are
 * taken by the review app's one handler (deliveryCounter), not a second one.
 */
export function createOperationsApp(options: OperationsOptions): ApplicationFunction {
  return (app, { addHandler }) => {
    observeQueue(options.metrics, options.queue);
    addHandler(createHealthHandler({ registry: options.metrics.registry, readiness: { redis: options.redis, queue: options.queue } }));
    if (options.dashboard) addHandler(createQueueDashboardHandler({ queues: [options.queue], credentials: options.dashboard }));
  };
}

/** Counts a verified delivery by event and action (webhook_deliveries_total), for createApp's `countDelivery`. */
export function deliveryCounter(metrics: AppMetrics): (event: string, action: string) => void {
  return (event, action) => metrics.deliveries.inc({ event, action });
}

/** The dashboard's credentials from DASHBOARD_USER/DASHBOARD_PASSWORD; null (dashboard off) when neither is set. */
export function dashboardCredentials(env: Pick<AppEnv, "DASHBOARD_USER" | "DASHBOARD_PASSWORD">): BasicCredentials | null {
  if (!env.DASHBOARD_USER && !env.DASHBOARD_PASSWORD) return null;
  if (!env.DASHBOARD_USER || !env.DASHBOARD_PASSWORD) {
    throw new Error("Set both DASHBOARD_USER and DASHBOARD_PASSWORD to turn the queue dashboard on, or neither to keep it off.");
  }
  return { user: env.DASHBOARD_USER, password: env.DASHBOARD_PASSWORD };
}
