import { ConcurrencyGroup } from "./concurrency-group.js";

/**
 * With a Redis URL, Probot hands the throttling plugin a clustered Bottleneck (one set of limiters per
 * installation in Redis, shared by every worker process), and the plugin builds all its groups on it.
 * Each clustered limiter costs Lua round trips to Redis on every request it schedules (register, submit,
 * free), on the review's critical path and in the worker's CPU. Only the spacing groups (write 1 s,
 * notifications 3 s per installation) must hold across processes, as GitHub's secondary limits ask of the
 * app as a whole: they keep Redis, one script call per request (redis-spacing-group.ts).
 *
 * The other two pace nothing across processes:
 * - `global` caps concurrent requests per installation at 10. GitHub's own cap is 100 concurrent
 *   requests (REST and GraphQL together), so 10 per process keeps any deployment of up to 10 worker
 *   processes under it, and a review never has more than a few requests in flight.
 * - `auth` lets one token exchange run at a time; each process has its own token cache and exchanges
 *   its own tokens anyway.
 * So both stay local to the process: the same caps as the plugin's own (plugin-throttling's createGroups),
 * without the Redis connection, and without Bottleneck's timer turns (concurrency-group.ts says why).
 */

/** The throttling plugin's Bottleneck class, by which a process's groups are kept (one pair per class, as the plugin's own groups are module-wide). */
type BottleneckClass = object;

const groupsByClass = new WeakMap<BottleneckClass, { global: ConcurrencyGroup; auth: ConcurrencyGroup }>();

/**
 * Process-local `global` and `auth` groups for the throttle options, when they would otherwise be
 * clustered (a `connection` is set); nothing otherwise (the plugin's defaults are local already).
 */
export function localThrottleGroups(throttle: Record<string, unknown>): { global?: ConcurrencyGroup; auth?: ConcurrencyGroup } {
  const bottleneck = throttle.Bottleneck as BottleneckClass | undefined;
  if (throttle.connection === undefined || !bottleneck) return {};
  let groups = groupsByClass.get(bottleneck);
  if (!groups) {
    groups = { global: new ConcurrencyGroup(10), auth: new ConcurrencyGroup(1) };
    groupsByClass.set(bottleneck, groups);
  }
  return groups;
}
