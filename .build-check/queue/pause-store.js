/** Kept in the queue's Redis so every worker sees it; a paused PR stays paused for 90 days at most. */
export function createRedisPauseStore(redis, prefix) {
    const key = (pull) => `${prefix}:paused:${pull.owner}/${pull.repo}#${pull.pullNumber}`;
    return {
        async isPaused(pull) {
            return (await redis.exists(key(pull))) === 1;
        },
        async setPaused(pull, paused) {
            if (paused)
                await redis.set(key(pull), "1", "EX", 90 * 24 * 3600);
            else
                await redis.del(key(pull));
        },
    };
}
/** For one-shot runs with no Redis (the CLI): nothing is ever paused. */
export const NEVER_PAUSED = {
    isPaused: async () => false,
    setPaused: async () => undefined,
};
