/**
 * With a Redis URL, Probot hands the throttling plugin a clustered Bottleneck (one set of limiters per
 * installation in Redis, shared by every worker process), and the plugin builds all its groups on it.
 * Each clustered limiter costs Lua round trips to Redis on every request it schedules (register, submit,
 * free), on the review's critical path and in the worker's CPU. Only the write and notification groups
 * need them: their spacing (1 s and 3 s per installation) is what GitHub's secondary limits ask of the
 * app as a whole, so it must hold across processes.
 *
 * The other two pace nothing across processes:
 * - `global` caps concurrent requests per installation at 10. GitHub's own cap is 100 concurrent
 *   requests (REST and GraphQL together), so 10 per process keeps any deployment of up to 10 worker
 *   processes under it, and a review never has more than a few requests in flight.
 * - `auth` lets one token exchange run at a time; each process has its own token cache and exchanges
 *   its own tokens anyway.
 * So both stay local to the process: same options as the plugin's own (plugin-throttling's createGroups),
 * without the Redis connection.
 */

/** The parts of Bottleneck this needs: its Group constructor. */
interface BottleneckClass {
  Group: new (options: Record<string, unknown>) => unknown;
}

/** The throttling plugin's default lifetime of an idle installation's limiter (its `timeout`). */
const DEFAULT_TIMEOUT_MS = 2 * 60 * 1000;

const groupsByClass = new WeakMap<BottleneckClass, { global: unknown; auth: unknown }>();

/**
 * Process-local `global` and `auth` groups for the throttle options, when they would otherwise be
 * clustered (a `connection` is set); nothing otherwise (the plugin's defaults are local already).
 * One pair per process, as the plugin's own groups are module-wide.
 */
export function localThrottleGroups(throttle: Record<string, unknown>): { global?: unknown; auth?: unknown } {
  const bottleneck = throttle.Bottleneck as BottleneckClass | undefined;
  if (throttle.connection === undefined || !bottleneck?.Group) return {};
  let groups = groupsByClass.get(bottleneck);
  if (!groups) {
    const timeout = typeof throttle.timeout === "number" ? throttle.timeout : DEFAULT_TIMEOUT_MS;
    groups = {
      global: new bottleneck.Group({ id: "octokit-global", maxConcurrent: 10, timeout }),
      auth: new bottleneck.Group({ id: "octokit-auth", maxConcurrent: 1, timeout }),
    };
    groupsByClass.set(bottleneck, groups);
  }
  return groups;
}
