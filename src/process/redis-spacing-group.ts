import type { Redis } from "ioredis";

/**
 * A stand-in for the throttling plugin's clustered `write`, `notifications` and `search` groups: starts
 * spaced `minTimeMs` apart per installation, across every worker process on the Redis. Bottleneck's
 * clustered limiter pays for the same spacing with a limiter object per installation in each process
 * (its own Redis keys, heartbeat and pub/sub channel, created on the installation's first write) and
 * several Lua round trips per request (register, submit, free), with timer turns between them, on the
 * review's critical path: the check run is created before the first model call. Here a request costs one
 * script call, which reserves the installation's next start and answers how long to wait for it.
 *
 * What the plugin asks of these groups is `group.key(id).schedule([options], fn, ...args)`. Its `fn` is
 * a no-op there (the request itself runs in the `global` group), so the spacing is of starts, and
 * `maxConcurrent: 1` holds for that instant. Differences from Bottleneck, both harmless for a no-op:
 * - order is that of reservations: a retry (priority 0) takes the next free start, not the queue's head;
 * - `expiration` is not applied: nothing runs long enough to expire.
 * A start reserved by a process that then dies leaves one unused gap.
 */

/** Keys live a minute past their last reserved start, so idle installations leave nothing behind. */
const RESERVE_START = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local spacing = tonumber(ARGV[1])
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], start + spacing, 'PX', start + spacing - now + 60000)
return start - now
`;

interface SpacingRedis extends Redis {
  reserveSpacedStart(key: string, spacingMs: number): Promise<number>;
}

const defined = new WeakSet<Redis>();

function withReserveCommand(redis: Redis): SpacingRedis {
  if (!defined.has(redis)) {
    // ioredis sends EVALSHA and falls back to EVAL once after a NOSCRIPT (a restarted Redis).
    redis.defineCommand("reserveSpacedStart", { numberOfKeys: 1, lua: RESERVE_START });
    defined.add(redis);
  }
  return redis as SpacingRedis;
}

type Task = (...args: unknown[]) => unknown;

export class RedisSpacingGroup {
  private readonly redis: SpacingRedis;

  /** `name` keeps groups apart in Redis (`octokit-spacing:<name>:<key>`). */
  constructor(
    redis: Redis,
    private readonly name: string,
    private readonly minTimeMs: number,
  ) {
    this.redis = withReserveCommand(redis);
  }

  key(id = ""): { schedule(...args: unknown[]): Promise<unknown> } {
    const redisKey = `octokit-spacing:${this.name}:${id}`;
    return {
      schedule: async (...args: unknown[]) => {
        // Bottleneck's signatures: schedule(fn, ...args) and schedule(options, fn, ...args).
        const [task, ...taskArgs] = (typeof args[0] === "function" ? args : args.slice(1)) as [Task, ...unknown[]];
        const waitMs = await this.redis.reserveSpacedStart(redisKey, this.minTimeMs);
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        return task(...taskArgs);
      },
    };
  }
}

/** The throttling plugin's spacing groups, as createGroups sets them: ms between starts per installation. */
const PLUGIN_SPACING = { write: 1_000, notifications: 3_000, search: 2_000 } as const;

type SpacingGroups = Record<keyof typeof PLUGIN_SPACING, RedisSpacingGroup>;

const groupsByClient = new WeakMap<Redis, SpacingGroups>();

/**
 * The plugin's spacing groups on the Redis client of Probot's Bottleneck connection (set when Probot has
 * a Redis URL), one set per client; nothing without one (the plugin's own groups then space each
 * process alone, which is all a single process needs).
 */
export function redisSpacingGroups(throttle: Record<string, unknown>): Partial<SpacingGroups> {
  const client = (throttle.connection as { client?: Redis } | undefined)?.client;
  if (!client || typeof client.defineCommand !== "function") return {};
  let groups = groupsByClient.get(client);
  if (!groups) {
    groups = {
      write: new RedisSpacingGroup(client, "write", PLUGIN_SPACING.write),
      notifications: new RedisSpacingGroup(client, "notifications", PLUGIN_SPACING.notifications),
      search: new RedisSpacingGroup(client, "search", PLUGIN_SPACING.search),
    };
    groupsByClient.set(client, groups);
  }
  return groups;
}
