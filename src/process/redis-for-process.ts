import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AppEnv } from "../config/env.js";
import { createProducerConnection, createRedisConnection } from "../queue/redis-connection.js";
import { startEmbeddedRedis } from "./embedded-redis.js";

export interface ProcessRedis {
  url: string;
  /** For workers: waits out a Redis outage. */
  connection: Redis;
  /** For the web process's producers: fails fast during an outage (see createProducerConnection). Opened on first use. */
  producer(): Redis;
  close(): Promise<void>;
}

/**
 * REDIS_URL when set; otherwise, where allowed (the one-process `npm start`), a private redis-server.
 * Web and worker processes started apart must share one Redis, so they require REDIS_URL.
 */
export async function redisForProcess(env: AppEnv, log: Logger, allowEmbedded: boolean): Promise<ProcessRedis> {
  if (!env.REDIS_URL && !allowEmbedded) {
    throw new Error("REDIS_URL is not set: web and worker processes started apart must share one Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).");
  }
  const embedded = env.REDIS_URL ? null : await startEmbeddedRedis(env.REDIS_DATA_DIR, log);
  const url = env.REDIS_URL ?? embedded!.url;
  const connection = createRedisConnection(url);
  connection.on("error", (error) => log.warn({ err: error }, "Redis connection error"));
  let producer: Redis | null = null;
  return {
    url,
    connection,
    producer() {
      if (!producer) {
        producer = createProducerConnection(url);
        producer.on("error", (error) => log.warn({ err: error }, "Redis connection error"));
      }
      return producer;
    },
    async close() {
      await producer?.quit().catch(() => producer?.disconnect());
      await connection.quit().catch(() => connection.disconnect());
      await embedded?.stop();
    },
  };
}
