import { withTimeout } from "../metrics/with-timeout.js";
/**
 * Ready when Redis answers PING and the queue answers a count. A disconnected client fails at once:
 * BullMQ's connections queue commands while offline, so waiting on them would only time out.
 */
export async function checkReadiness(deps) {
    const timeoutMs = deps.timeoutMs ?? 2_000;
    const checks = {};
    if (deps.redis.status !== "ready") {
        checks.redis = `connection ${deps.redis.status}`;
    }
    else {
        try {
            const pong = await withTimeout(deps.redis.ping(), timeoutMs, "Redis PING");
            checks.redis = pong === "PONG" ? "ok" : `unexpected PING reply ${pong}`;
        }
        catch (error) {
            checks.redis = error.message;
        }
    }
    if (deps.queue) {
        if (checks.redis !== "ok") {
            checks.queue = "not checked: Redis is not ready";
        }
        else {
            try {
                await withTimeout(deps.queue.getJobCounts("waiting"), timeoutMs, "Queue");
                checks.queue = "ok";
            }
            catch (error) {
                checks.queue = error.message;
            }
        }
    }
    return { ready: Object.values(checks).every((check) => check === "ok"), checks };
}
