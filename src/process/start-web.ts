import { Probot, Server } from "probot";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createApp } from "../app.js";
import { githubBaseUrl, type AppEnv } from "../config/env.js";
import type { ReviewQueue } from "../queue/review-queue.js";
import { createDeliveryIngest } from "../queue/ingest-delivery.js";
import { explainServerStartError } from "./explain-server-start-error.js";
import { limitWebhookBody } from "./limit-webhook-body.js";
import { WebhookOnlyOctokit } from "./webhook-only-octokit.js";
import { getAppMetrics } from "../metrics/app-metrics.js";
import { createOperationsApp, dashboardCredentials, deliveryCounter } from "../ops/operations-app.js";

export interface WebOptions {
  env: AppEnv;
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** The App's slug (see resolveAppSlug), for `@<slug>` commands. */
  appSlug: string;
  queue: ReviewQueue;
  /** The process's Redis connection, for /readyz. */
  connection: Redis;
  log: Logger;
}

/**
 * The web process's Probot: the App's credentials, the webhook body-size limit, and no installation
 * client built per delivery (WebhookOnlyOctokit), since its handlers only enqueue.
 */
export function createWebProbot(options: Pick<WebOptions, "env" | "appId" | "privateKey" | "webhookSecret" | "log">): typeof Probot {
  const { env } = options;
  const ProbotWithDefaults = Probot.defaults({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.webhookSecret,
    baseUrl: githubBaseUrl(env),
    log: options.log,
    Octokit: WebhookOnlyOctokit,
  });
  // Server runs Probot's webhook middleware before any added handler, so the size limit wraps it.
  return class BodyLimitedProbot extends ProbotWithDefaults {
    override async getNodeMiddleware(...args: Parameters<Probot["getNodeMiddleware"]>) {
      const limit = { path: env.WEBHOOK_PATH, maxBytes: env.WEBHOOK_MAX_BODY_BYTES, log: options.log };
      return limitWebhookBody(await super.getNodeMiddleware(...args), limit);
    }
  };
}

/** Probot's HTTP server with the app loaded: verifies signatures, then the handlers enqueue. */
export async function startWeb(options: WebOptions): Promise<Server> {
  const { env } = options;
  const server = new Server({
    Probot: createWebProbot(options),
    port: env.PORT,
    host: env.HOST,
    webhookPath: env.WEBHOOK_PATH,
    // Probot's smee client: after listening, it reads the channel and POSTs each delivery to WEBHOOK_PATH here.
    webhookProxy: env.WEBHOOK_PROXY_URL,
    log: options.log,
  });
  const ingest = createDeliveryIngest(options.queue, options.connection, { namespace: env.QUEUE_NAME, replayWindowSeconds: env.WEBHOOK_REPLAY_WINDOW_SECONDS });
  await server.load(createApp({ ingest, appSlug: options.appSlug, countDelivery: deliveryCounter(getAppMetrics()) }));
  // /healthz, /readyz, /metrics, the queue dashboard and delivery counts, beside the review handlers.
  await server.load(
    createOperationsApp({ metrics: getAppMetrics(), queue: options.queue, redis: options.connection, dashboard: dashboardCredentials(env) }),
  );
  await server.start().catch((error: unknown) => {
    throw explainServerStartError(error, env.WEBHOOK_PROXY_URL);
  });
  return server;
}
