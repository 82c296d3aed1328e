import { Probot, Server } from "probot";
import type { Logger } from "pino";
import { createApp } from "../app.js";
import { githubBaseUrl, type AppEnv } from "../config/env.js";
import type { ReviewQueue } from "../queue/review-queue.js";

export interface WebOptions {
  env: AppEnv;
  appId: string;
  privateKey: string;
  webhookSecret: string;
  queue: ReviewQueue;
  log: Logger;
}

/** Probot's HTTP server with the app loaded: verifies signatures, then the handlers enqueue. */
export async function startWeb(options: WebOptions): Promise<Server> {
  const { env } = options;
  const server = new Server({
    Probot: Probot.defaults({
      appId: options.appId,
      privateKey: options.privateKey,
      secret: options.webhookSecret,
      baseUrl: githubBaseUrl(env),
      log: options.log,
    }),
    port: env.PORT,
    host: env.HOST,
    webhookPath: env.WEBHOOK_PATH,
    log: options.log,
  });
  await server.load(createApp({ queue: options.queue }));
  await server.start();
  return server;
}
