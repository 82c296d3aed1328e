import { createRedisConnection } from "../queue/redis-connection.js";
import { startEmbeddedRedis } from "./embedded-redis.js";
/**
 * REDIS_URL when set; otherwise, where allowed (the one-process `npm start`), a private redis-server.
 * Web and worker processes started apart must share one Redis, so they require REDIS_URL.
 */
export async function redisForProcess(env, log, allowEmbedded) {
    if (!env.REDIS_URL && !allowEmbedded) {
        throw new Error("REDIS_URL is not set: web and worker processes started apart must share one Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).");
    }
    const embedded = env.REDIS_URL ? null : await startEmbeddedRedis(env.REDIS_DATA_DIR, log);
    const url = env.REDIS_URL ?? embedded.url;
    const connection = createRedisConnection(url);
    connection.on("error", (error) => log.warn({ err: error }, "Redis connection error"));
    return {
        url,
        connection,
        async close() {
            await connection.quit().catch(() => connection.disconnect());
            await embedded?.stop();
        },
    };
}
