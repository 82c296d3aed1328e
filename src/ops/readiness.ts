import { withTimeout } from "../metrics/with-timeout.js";

export interface ReadinessDeps {
  /** The process's Redis connection. */
  redis: { status: string; ping(): Promise<string> };
  /** The queue the process enqueues into, when it has one (web). */
  queue?: { getJobCounts(...states: string[]): Promise<Record<string, number>> };
  /** Per check. Default 2 000 ms. */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/**
 * Ready when Redis answers PING and the queue answers a count. A disconnected client fails at once:
 * BullMQ's connections queue commands while offline, so waiting on them would only time out.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const checks: Record<string, string> = {};
  if (deps.redis.status !== "ready") {
    checks.redis = `connection ${deps.redis.status}`;
  } else {
    try {
      const pong = await withTimeout(deps.redis.ping(), timeoutMs, "Redis PING");
      checks.redis = pong === "PONG" ? "ok" : `unexpected PING reply ${pong}`;
    } catch (error) {
      checks.redis = (error as Error).message;
    }
  }
  if (deps.queue) {
    if (checks.redis !== "ok") {
      checks.queue = "not checked: Redis is not ready";
    } else {
      try {
        await withTimeout(deps.queue.getJobCounts("waiting"), timeoutMs, "Queue");
        checks.queue = "ok";
      } catch (error) {
        checks.queue = (error as Error).message;
      }
    }
  }
  return { ready: Object.values(checks).every((check) => check === "ok"), checks };
}
