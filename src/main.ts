// One machine: web server and worker in one process; starts a private redis-server when REDIS_URL is unset.
import { run } from "probot";
import { readAppEnv } from "./config/env.js";
import { readAppCredentials } from "./process/app-credentials.js";
import { createLogger } from "./process/create-logger.js";
import { onShutdown, SHUTDOWN_HARD_EXIT_MARGIN_MS } from "./process/on-shutdown.js";
import { closeWorker } from "./worker/close-worker.js";
import { redisForProcess } from "./process/redis-for-process.js";
import { resolveAppSlug } from "./process/resolve-app-slug.js";
import { startWeb } from "./process/start-web.js";
import { startWorkerProcess } from "./process/start-worker-process.js";
import { createReviewQueue } from "./queue/review-queue.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "codex-review");
try {
  const credentials = readAppCredentials(env);
  if (!credentials) {
    // No App yet: Probot's setup flow registers one from app.yml in the browser and writes .env.
    log.info({ url: `http://localhost:${env.PORT}` }, "No APP_ID/PRIVATE_KEY: open the URL to register the GitHub App");
    await run(() => undefined);
  } else {
    const appSlug = await resolveAppSlug({ env, ...credentials, log });
    const redis = await redisForProcess(env, log, true);
    // Until start-up is through, a failure stops what was started, the embedded redis-server included.
    const started: Array<() => Promise<unknown>> = [() => redis.close()];
    try {
      const queue = createReviewQueue(env.QUEUE_NAME, redis.producer());
      started.unshift(() => queue.close());
      const worker = startWorkerProcess({ env, ...credentials, appSlug, connection: redis.connection, redisUrl: redis.url, log });
      started.unshift(() => worker.close(true));
      const server = await startWeb({ env, ...credentials, appSlug, queue, connection: redis.producer(), log });
      onShutdown(
        [() => server.stop(), () => closeWorker(worker, env.WORKER_SHUTDOWN_GRACE_MS, log), () => queue.close(), () => redis.close()],
        log,
        env.WORKER_SHUTDOWN_GRACE_MS + SHUTDOWN_HARD_EXIT_MARGIN_MS,
      );
    } catch (error) {
      for (const stop of started) await stop().catch(() => undefined);
      throw error;
    }
  }
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
