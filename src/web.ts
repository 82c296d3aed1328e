// Web process only: receives webhooks and enqueues; run workers apart with `npm run start:worker`.
import { readAppEnv } from "./config/env.js";
import { readAppCredentials } from "./process/app-credentials.js";
import { createLogger } from "./process/create-logger.js";
import { onShutdown } from "./process/on-shutdown.js";
import { redisForProcess } from "./process/redis-for-process.js";
import { resolveAppSlug } from "./process/resolve-app-slug.js";
import { startWeb } from "./process/start-web.js";
import { createReviewQueue } from "./queue/review-queue.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "codex-review-web");
try {
  const credentials = readAppCredentials(env);
  if (!credentials) throw new Error("APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required; run `npm start` once to register the App.");
  const appSlug = await resolveAppSlug({ env, ...credentials, log });
  const redis = await redisForProcess(env, log, false);
  const queue = createReviewQueue(env.QUEUE_NAME, redis.producer());
  const server = await startWeb({ env, ...credentials, appSlug, queue, connection: redis.producer(), log });
  onShutdown([() => server.stop(), () => queue.close(), () => redis.close()], log);
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
