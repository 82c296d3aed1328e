import type { Job, Worker } from "bullmq";

/**
 * The cancel reason of a job whose lock this worker lost. BullMQ 6 only reports the loss (the
 * `lockRenewalFailed` event) and lets the processor run on while the stalled checker hands the job to
 * another worker, which would then post the same review. A job cancelled for this reason stops without
 * touching the job in Redis: the lock, and with it the job, belongs to someone else now.
 */
export const LOCK_LOST = "lock-lost";

/** Cancels (aborts the signal of) every job whose lock renewal failed. */
export function cancelJobsOnLockLoss(worker: Pick<Worker, "cancelJob"> & { on(event: "lockRenewalFailed", listener: (jobIds: string[]) => void): unknown }): void {
  worker.on("lockRenewalFailed", (jobIds) => {
    for (const jobId of jobIds) worker.cancelJob(jobId, LOCK_LOST);
  });
}

/**
 * A check made right before each GitHub write: is the job's lock still ours? Renewing it (BullMQ's
 * `extendLock`, one Redis round trip) answers that and, when it is ours, pushes its expiry out past the
 * write. Lock renewals run on a timer, so a process that was frozen (SIGSTOP, a paused VM, a long GC)
 * resumes with its work racing the timer; this check does not depend on who wins. When the lock is gone
 * the job is cancelled with `LOCK_LOST`, so nothing of it writes after this point.
 */
export function lockConfirmer(
  worker: Pick<Worker, "cancelJob">,
  job: Pick<Job, "id" | "extendLock">,
  token: string | undefined,
  lockDurationMs: number,
): () => Promise<boolean> {
  return async () => {
    if (token === undefined || job.id === undefined) return true;
    const held = (await job.extendLock(token, lockDurationMs)) === 1;
    if (!held) worker.cancelJob(job.id, LOCK_LOST);
    return held;
  };
}
