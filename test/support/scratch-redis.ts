import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, inject } from "vitest";

/**
 * A connection to the suite's Redis and a fresh namespace for one test file; the namespace's keys are
 * deleted and the connection closed after the file. Call at the top level of the file.
 */
export function useScratchRedis(prefix: string): { redis: () => Redis; namespace: string } {
  let redis: Redis | undefined;
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  beforeAll(() => {
    redis = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`codex-review:${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  return {
    redis: () => {
      if (!redis) throw new Error("useScratchRedis: the connection exists only inside tests");
      return redis;
    },
    namespace,
  };
}
