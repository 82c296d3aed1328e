import { Gauge } from "prom-client";
import { withTimeout } from "./with-timeout.js";
const STATES = ["waiting", "prioritized", "delayed", "active", "completed", "failed"];
/**
 * Job counts per state, read from Redis when Prometheus scrapes (not kept in memory, so every web
 * process reports the same truth). A Redis that does not answer leaves the gauge empty for that scrape.
 */
export function observeQueue(metrics, queue, timeoutMs = 2_000) {
    new Gauge({
        name: "codex_review_queue_jobs",
        help: "Jobs in the review queue by state, read from Redis at scrape time.",
        labelNames: ["queue", "state"],
        registers: [metrics.registry],
        async collect() {
            this.reset();
            try {
                const counts = await withTimeout(queue.getJobCounts(...STATES), timeoutMs, "Redis");
                for (const state of STATES)
                    this.set({ queue: queue.name, state }, counts[state] ?? 0);
            }
            catch {
                // Left empty: /readyz reports the outage, and a stale count would lie.
            }
        },
    });
}
