/*
 * The ingest benchmark's floor: the smallest app of our shape. A Probot app set up like src/web.ts (same
 * Probot, pino logger and level, Server and webhook path, the same fail-fast producer connection and
 * job options) whose handler maps the delivery to job data, does ONE BullMQ `queue.add` and logs it as ours does. It keeps no
 * replay ledger, no reply limit and no supersede: what ours costs beyond it is that bookkeeping.
 *   APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, WEBHOOK_PATH, REDIS_URL, QUEUE_NAME as for src/web.ts.
 */
import { Probot, Server } from "probot";
import { readAppEnv } from "../src/config/env.js";
import { readAppCredentials } from "../src/process/app-credentials.js";
import { createLogger } from "../src/process/create-logger.js";
import { createProducerConnection } from "../src/queue/redis-connection.js";
import { jobId } from "../src/queue/review-job.js";
import { createReviewQueue } from "../src/queue/review-queue.js";
import { jobFromPullRequest } from "../src/webhooks/pull-request-event.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "floor-probot");
const credentials = readAppCredentials(env);
if (!credentials) throw new Error("APP_ID and PRIVATE_KEY are required");
if (!env.REDIS_URL) throw new Error("REDIS_URL is required");
const connection = createProducerConnection(env.REDIS_URL);
const queue = createReviewQueue(`${env.QUEUE_NAME}-floor`, connection);
const server = new Server({
  Probot: Probot.defaults({ appId: credentials.appId, privateKey: credentials.privateKey, secret: credentials.webhookSecret, log }),
  port: env.PORT,
  host: env.HOST,
  webhookPath: env.WEBHOOK_PATH,
  log,
});
await server.load((app) => {
  app.on("pull_request.synchronize", async (context) => {
    const decision = jobFromPullRequest(context.payload, context.id);
    if ("skip" in decision) return;
    const job = await queue.add(decision.job.kind, decision.job, { jobId: jobId(decision.job) });
    // The one log line ours writes per delivery too.
    context.log.info({ jobId: job.id, kind: decision.job.kind }, "Job queued");
  });
});
await server.start();
const stop = () => void server.stop().then(() => queue.close()).finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
