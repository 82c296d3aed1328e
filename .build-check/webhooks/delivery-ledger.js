export function createDeliveryLedger(redis, options) {
    const windowSeconds = options.windowSeconds ?? 24 * 3600;
    const keyOf = (deliveryId) => `codex-review:${options.namespace}:delivery:${deliveryId}`;
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
