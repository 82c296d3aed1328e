import { Redis } from "ioredis";

const reconnect = (attempt: number) => Math.min(attempt * 200, 5_000);

/**
 * An ioredis connection as BullMQ needs it: `maxRetriesPerRequest: null` so blocking worker commands
 * survive a Redis restart, and endless reconnects with a capped backoff.
 */
export function createRedisConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: reconnect,
  });
}

/** How long a command of the webhook path may take before the delivery is refused; Redis answers in ms. */
export const PRODUCER_COMMAND_TIMEOUT_MS = 1_500;

/**
 * A connection for the web process's producers (enqueue, delivery ledger): it fails fast instead of
 * waiting for Redis to come back, as BullMQ recommends for producers behind HTTP ("Failing fast when
 * Redis is down"). A webhook handled during an outage is answered 503 within about a second, so GitHub
 * records the delivery as failed and it can be redelivered; held until Probot's 9 s timeout, it would
 * be answered 202 and lost. No offline queue also means no command of a refused delivery runs later.
 */
export function createProducerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    enableReadyCheck: true,
    retryStrategy: reconnect,
  });
}
