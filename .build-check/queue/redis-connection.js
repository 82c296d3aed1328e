import { Redis } from "ioredis";
/**
 * An ioredis connection as BullMQ needs it: `maxRetriesPerRequest: null` so blocking worker commands
 * survive a Redis restart, and endless reconnects with a capped backoff.
 */
export function createRedisConnection(url) {
    return new Redis(url, {
        maxRetriesPerRequest: null,
        enableReadyCheck: true,
        retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    });
}
