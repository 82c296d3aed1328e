/*
 * Redis round trips and commands per delivery of the web process's bookkeeping + enqueue: the one-script
 * ingest (src/queue/ingest-delivery.ts) against the sequence it replaced (replay ledger SET NX, getJob,
 * Queue.add, supersede EVAL), for a new delivery on a PR whose previous job completed. Counted on one
 * connection: socket writes (round trips) and, by MONITOR, the commands it sent and those Lua ran.
 *   npx tsx bench/ingest-round-trips.ts   (starts its own redis-server)
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createDeliveryIngest } from "../src/queue/ingest-delivery.js";
import type { ReviewJobData } from "../src/queue/review-job.js";
import { createReviewQueue, enqueueJob } from "../src/queue/review-queue.js";
import { createDeliveryLedger } from "../src/webhooks/delivery-ledger.js";
import { startBenchRedis } from "./support/bench-redis.js";

const redisServer = await startBenchRedis();
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
const monitor = await new Redis(redisServer.url).monitor();
const queue = createReviewQueue("round-trips", redis);
await queue.waitUntilReady();
const ingest = createDeliveryIngest(queue, redis, { namespace: "round-trips" });
const ledger = createDeliveryLedger(redis, { namespace: "round-trips" });

let pull = 0;
const delivery = (): ReviewJobData => ({
  kind: "review", installationId: 1, owner: "o", repo: "r", pullNumber: ++pull, headSha: randomUUID().replaceAll("-", "").slice(0, 40).padEnd(40, "0"),
  trigger: "synchronize", mode: "incremental", commentId: null, requestedBy: null, deliveryId: randomUUID(),
});

const port = (redis as unknown as { stream: { localPort: number } }).stream.localPort;
const sent: string[] = [];
let lua = 0;
monitor.on("monitor", (_time: string, args: string[], source: string) => {
  if (source.endsWith(`:${port}`)) sent.push(args[0]!.toLowerCase());
  else if (source === "lua") lua += 1;
});
const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
const write = stream.write.bind(stream);
let writes = 0;
stream.write = (...args: unknown[]) => ((writes += 1), write(...args));

async function measure(name: string, run: () => Promise<unknown>) {
  await run(); // warm: scripts loaded on this connection
  await new Promise((r) => setTimeout(r, 200));
  sent.length = 0; lua = 0; writes = 0;
  const n = 20;
  for (let i = 0; i < n; i++) await run();
  await new Promise((r) => setTimeout(r, 300));
  console.log(`${name}: ${(writes / n).toFixed(1)} round trips, ${(sent.length / n).toFixed(1)} commands sent (${[...new Set(sent)].join(", ")}), ${((sent.length + lua) / n).toFixed(1)} with those run inside Lua`);
}

await measure("before (ledger + enqueueJob + supersede)", async () => {
  const data = delivery();
  await ledger.remember(data.deliveryId!);
  await enqueueJob(queue, data, { supersedeWith: redis });
});
await measure("after (one script)", () => ingest.ingest({ job: delivery() }));

monitor.disconnect();
await queue.obliterate({ force: true });
await queue.close();
redis.disconnect();
await redisServer.stop();
process.exit(0);
