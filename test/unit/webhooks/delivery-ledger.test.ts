import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useScratchRedis } from "../../support/scratch-redis.js";
import { createDeliveryLedger } from "../../../src/webhooks/delivery-ledger.js";

const scratch = useScratchRedis("ledger");
const { namespace } = scratch;

describe("createDeliveryLedger", () => {
  it("accepts a delivery id once and reports every replay", async () => {
    const ledger = createDeliveryLedger(scratch.redis(), { namespace });
    const id = randomUUID();
    expect(await ledger.remember(id)).toBe(true);
    expect(await ledger.remember(id)).toBe(false);
    expect(await ledger.remember(id)).toBe(false);
    expect(await ledger.remember(randomUUID())).toBe(true);
  });

  it("lets exactly one of many concurrent deliveries of the same id through", async () => {
    const ledger = createDeliveryLedger(scratch.redis(), { namespace });
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.remember(id)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("forgets an id so a redelivery after a failure is handled, and expires ids after the window", async () => {
    const ledger = createDeliveryLedger(scratch.redis(), { namespace, windowSeconds: 60 });
    const id = randomUUID();
    await ledger.remember(id);
    await ledger.forget(id);
    expect(await ledger.remember(id)).toBe(true);
    const ttl = await scratch.redis().ttl(`codex-review:${namespace}:delivery:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});
