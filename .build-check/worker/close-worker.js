/**
 * Stops a worker on SIGTERM: it takes no new job, and the jobs in hand get `graceMs` to finish. Those
 * still running then are cancelled, and hand themselves back to the queue (see hand-back-on-abort.ts),
 * where another worker takes them at once. So the process is gone within about `graceMs` plus a
 * round trip to Redis, and no review is lost or posted twice.
 */
export async function closeWorker(worker, graceMs, log) {
    const timer = setTimeout(() => {
        log.warn({ graceMs }, "Shutdown grace period over: handing unfinished jobs back");
        worker.cancelAllJobs("shutdown");
    }, graceMs);
    try {
        await worker.close();
    }
    finally {
        clearTimeout(timer);
    }
}
