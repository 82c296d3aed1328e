// Worker process only: run as many as you like against the same REDIS_URL to scale reviews out.
import { readAppEnv } from "./config/env.js";
import { readAppCredentials } from "./process/app-credentials.js";
import { createLogger } from "./process/create-logger.js";
import { onShutdown, SHUTDOWN_HARD_EXIT_MARGIN_MS } from "./process/on-shutdown.js";
import { closeWorker } from "./worker/close-worker.js";
import { redisForProcess } from "./process/redis-for-process.js";
import { resolveAppSlug } from "./process/resolve-app-slug.js";
import { startWorkerProcess } from "./process/start-worker-process.js";
import { getAppMetrics } from "./metrics/app-metrics.js";
import { startMetricsServer } from "./ops/metrics-server.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "codex-review-worker");
try {
  const credentials = readAppCredentials(env);
  if (!credentials) throw new Error("APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required; run `npm start` once to register the App.");
  const appSlug = await resolveAppSlug({ env, ...credentials, log });
  const redis = await redisForProcess(env, log, false);
  const worker = startWorkerProcess({ env, ...credentials, appSlug, connection: redis.connection, redisUrl: redis.url, log });
  // Opt-in: a worker has no web server, so its metrics get their own port only when METRICS_PORT is set.
  const metricsServer =
    env.METRICS_PORT === undefined
      ? null
      : await startMetricsServer({ port: env.METRICS_PORT, host: env.HOST, registry: getAppMetrics().registry, readiness: { redis: redis.connection }, log });
  // Exits within WORKER_SHUTDOWN_GRACE_MS plus a Redis round trip; the hard stop 5 s later is for a dead Redis.
  onShutdown(
    [async () => metricsServer?.close(), () => closeWorker(worker, env.WORKER_SHUTDOWN_GRACE_MS, log), () => redis.close()],
    log,
    env.WORKER_SHUTDOWN_GRACE_MS + SHUTDOWN_HARD_EXIT_MARGIN_MS,
  );
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
