// Worker process only: run as many as you like against the same REDIS_URL to scale reviews out.
import { readAppEnv } from "./config/env.js";
import { readAppCredentials } from "./process/app-credentials.js";
import { createLogger } from "./process/create-logger.js";
import { onShutdown } from "./process/on-shutdown.js";
import { redisForProcess } from "./process/redis-for-process.js";
import { startWorkerProcess } from "./process/start-worker-process.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "codex-review-worker");
try {
  const credentials = readAppCredentials(env);
  if (!credentials) throw new Error("APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required; run `npm start` once to register the App.");
  const redis = await redisForProcess(env, log, false);
  const worker = startWorkerProcess({ env, ...credentials, connection: redis.connection, redisUrl: redis.url, log });
  onShutdown([() => worker.close(), () => redis.close()], log);
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
