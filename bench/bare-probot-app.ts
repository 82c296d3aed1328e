/*
 * The ingest benchmark's baseline: a Probot app set up like src/web.ts (same Probot, same pino logger at
 * the same LOG_LEVEL, same Server and webhook path) whose handler does nothing. What our web process
 * costs beyond this is our overhead: the body limit, the replay ledger, the budget, the BullMQ job.
 *   APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, WEBHOOK_PATH as for src/web.ts.
 */
import { Probot, Server } from "probot";
import { readAppEnv } from "../src/config/env.js";
import { readAppCredentials } from "../src/process/app-credentials.js";
import { createLogger } from "../src/process/create-logger.js";

const env = readAppEnv();
const log = createLogger(env.LOG_LEVEL, "bare-probot");
const credentials = readAppCredentials(env);
if (!credentials) throw new Error("APP_ID and PRIVATE_KEY are required");
const server = new Server({
  Probot: Probot.defaults({ appId: credentials.appId, privateKey: credentials.privateKey, secret: credentials.webhookSecret, log }),
  port: env.PORT,
  host: env.HOST,
  webhookPath: env.WEBHOOK_PATH,
  log,
});
await server.load((app) => {
  app.on("pull_request.synchronize", async () => undefined);
});
await server.start();
const stop = () => void server.stop().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
