import type { Redis } from "ioredis";
import { DELIVERY_WINDOW_SECONDS, deliveryKey } from "../webhooks/delivery-ledger.js";
import { PERSON_REPLY_WINDOW_SECONDS, personReplyKey } from "../webhooks/person-reply-limit.js";
import { INGEST_DECISION } from "./ingest-scripts.js";
import { jobId as jobIdOf, type JobData } from "./review-job.js";
import { enqueueJob, type ReviewQueue } from "./review-queue.js";
import { createScriptWithBullmqAdd } from "./script-with-bullmq-add.js";
import { LATEST_REVIEW_TTL_SECONDS, latestReviewKey } from "./supersede-older-review.js";

/** What became of one delivery. */
export type IngestOutcome =
  | { outcome: "queued"; jobId: string; superseded: string | null }
  | { outcome: "duplicate"; jobId: string }
  | { outcome: "replay"; jobId: string }
  | { outcome: "limited"; jobId: string };

export interface IngestRequest {
  job: JobData;
  /** Counts against the person reply limit (see gateRequest); none: not limited. */
  limitedPerson?: string | null;
}

export interface DeliveryIngestOptions {
  /** Key namespace of the ledger and the reply limit (the queue name). */
  namespace: string;
  /** Whether delivery ids are remembered (replays ignored); default true. */
  ledger?: boolean;
  replayWindowSeconds?: number;
  personWindowSeconds?: number;
  /** Whether requests gated per person are limited; default true. */
  replyLimit?: boolean;
}

export interface DeliveryIngest {
  ingest(request: IngestRequest): Promise<IngestOutcome>;
}

type Outcome = "add" | "duplicate" | "replay" | "limited" | "replace";

/**
 * A delivery's bookkeeping (replay ledger, per-person reply limit, duplicate id, the PR's latest review
 * for supersede) and BullMQ's own add in ONE script, sent as one EVALSHA like `Queue.add` sends: one round
 * trip, atomic in Redis, so two racing deliveries still see each other and a decision not to add leaves
 * no job behind. Only rare cases take more: an id whose job failed for good (Redeliver: removed and added
 * again, as enqueueJob does) and an older head's job still waiting (removed after the add; a worker that
 * takes it first drops its review).
 */
export function createDeliveryIngest(queue: ReviewQueue, redis: Redis, options: DeliveryIngestOptions): DeliveryIngest {
  const ledgerWindow = options.ledger === false ? 0 : (options.replayWindowSeconds ?? DELIVERY_WINDOW_SECONDS);
  const personWindow = options.replyLimit === false ? 0 : (options.personWindowSeconds ?? PERSON_REPLY_WINDOW_SECONDS);
  const prefix = queue.toKey("");
  const script = createScriptWithBullmqAdd(queue, redis, INGEST_DECISION);
  const listKeys = [queue.toKey("failed"), queue.toKey("wait"), queue.toKey("paused"), queue.toKey("prioritized"), queue.toKey("waiting-children")] as const;
  return {
    async ingest({ job: data, limitedPerson }) {
      const id = jobIdOf(data);
      const jobKey = prefix + id;
      const latest = latestReviewKey(queue, data);
      const ledgerKey = data.deliveryId && ledgerWindow > 0 ? deliveryKey(options.namespace, data.deliveryId) : null;
      const personKey = limitedPerson && personWindow > 0 ? personReplyKey(options.namespace, data.owner, data.repo, limitedPerson) : null;
      // Unused keys are given as the job's own key: every key stays in the job's hash slot family.
      const keys = [jobKey, listKeys[0], ledgerKey ?? jobKey, personKey ?? jobKey, latest ?? jobKey, listKeys[1], listKeys[2], listKeys[3], listKeys[4]];
      const headSha = data.kind === "review" ? (data.headSha ?? "") : "";
      const argv = [id, ledgerKey ? ledgerWindow : 0, personKey ? personWindow : 0, latest ? LATEST_REVIEW_TTL_SECONDS : 0, headSha, prefix];

      let outcome: Outcome;
      let superseded: string;
      try {
        [outcome, superseded] = (await script.run(data, id, keys, argv)) as [Outcome, string];
      } catch (error) {
        // The script failed or refused after it may have recorded the delivery: forget it, so the
        // redelivery of the delivery we answer 503 gets through.
        if (ledgerKey) await redis.del(ledgerKey).catch(() => undefined);
        throw error;
      }

      switch (outcome) {
        case "add":
          return { outcome: "queued", jobId: id, superseded: superseded ? await removeSuperseded(queue, superseded) : null };
        case "replace":
          return replaceFailedJob(queue, redis, data, ledgerKey);
        default:
          return { outcome, jobId: id };
      }
    },
  };
}

/** The slow path of a Redeliver of a job that failed for good: what enqueueJob does, in a few trips. */
async function replaceFailedJob(queue: ReviewQueue, redis: Redis, data: JobData, ledgerKey: string | null): Promise<IngestOutcome> {
  try {
    const { jobId, duplicate } = await enqueueJob(queue, data, { supersedeWith: redis });
    return duplicate ? { outcome: "duplicate", jobId } : { outcome: "queued", jobId, superseded: null };
  } catch (error) {
    // Not handled after all: a redelivery of this id must get through.
    if (ledgerKey) await redis.del(ledgerKey).catch(() => undefined);
    throw error;
  }
}

async function removeSuperseded(queue: ReviewQueue, jobId: string): Promise<string | null> {
  try {
    // BullMQ refuses to remove a job a worker holds (it then finds the head moved itself).
    const removed = await queue.remove(jobId);
    return removed ? jobId : null;
  } catch {
    return null;
  }
}
