import type { Redis } from "ioredis";

/**
 * Remembers which webhook deliveries (`X-GitHub-Delivery`) were already handled, in Redis, so a replayed
 * delivery is ignored even after its job has been removed from the queue.
 */
export interface DeliveryLedger {
  /** True the first time `deliveryId` is seen within the window; false for a replay. Atomic (SET NX). */
  remember(deliveryId: string): Promise<boolean>;
  /** Drops a delivery again, so a redelivery after a failure we answered with 5xx is handled. */
  forget(deliveryId: string): Promise<void>;
}

export interface DeliveryLedgerOptions {
  /** Key namespace, e.g. the queue name, so two apps on one Redis do not share ledgers. */
  namespace: string;
  /** How long a delivery id is remembered. GitHub redelivers within hours; default 24 h. */
  windowSeconds?: number;
}

export function createDeliveryLedger(redis: Redis, options: DeliveryLedgerOptions): DeliveryLedger {
  const windowSeconds = options.windowSeconds ?? 24 * 3600;
  const keyOf = (deliveryId: string) => `codex-review:${options.namespace}:delivery:${deliveryId}`;
  return {
    async remember(deliveryId) {
      const result = await redis.set(keyOf(deliveryId), "1", "EX", windowSeconds, "NX");
      return result === "OK";
    },
    async forget(deliveryId) {
      await redis.del(keyOf(deliveryId));
    },
  };
}
