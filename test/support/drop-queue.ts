import type { Queue } from "bullmq";

/** Deletes what a test file queued and closes its queue (skipped when setup failed before opening it). */
export async function dropQueue(queue: Queue | undefined): Promise<void> {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
}
