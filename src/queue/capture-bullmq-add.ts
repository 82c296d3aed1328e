import { Job } from "bullmq";
import type { JobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";

/** The script command BullMQ's add would send for one job: its name (with BullMQ's version) and arguments. */
export interface BullmqAddCommand {
  name: string;
  /** The script's KEYS, then its ARGV (the packed job, as BullMQ encodes it). */
  args: unknown[];
}

/**
 * Builds the job as `Queue.add` does (the queue's default job options, our id) and records the add script BullMQ would run for it, without sending
 * anything: BullMQ queues a job onto a transaction through `runCommand`, synchronously. So the ingest can
 * run BullMQ's own add inside its script, with BullMQ's own encoding of the job and its options.
 */
export function captureBullmqAdd(queue: ReviewQueue, data: JobData, id: string): BullmqAddCommand {
  let captured: BullmqAddCommand | null = null;
  const recorder = {
    runCommand(name: string, args: unknown[]) {
      captured = { name, args };
      return recorder;
    },
  };
  void new Job(queue, data.kind, data, { ...queue.jobsOpts, jobId: id }, id).addJob(recorder as never).catch(() => undefined);
  if (!captured) throw new Error("BullMQ did not queue its add onto the transaction synchronously: the ingest cannot compose it");
  return captured;
}
