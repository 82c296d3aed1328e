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

/** GitHub redelivers within hours: a delivery id is remembered a day unless told otherwise. */
export const DELIVERY_WINDOW_SECONDS = 24 * 3600;

/** The ledger's key of one delivery (also written by the one-round-trip ingest, src/queue/ingest-delivery.ts). */
export const deliveryKey = (namespace: string, deliveryId: string) => `codex-review:${namespace}:delivery:${deliveryId}`;

export function createDeliveryLedger(redis: Redis, options: DeliveryLedgerOptions): DeliveryLedger {
  const windowSeconds = options.windowSeconds ?? DELIVERY_WINDOW_SECONDS;
  const keyOf = (deliveryId: string) => deliveryKey(options.namespace, deliveryId);
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
