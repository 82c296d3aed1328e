import { UnrecoverableError, WaitingError, Worker } from "bullmq";
import { parseJobData } from "../queue/review-job.js";
import { guardGithub, handBackOnAbort } from "./hand-back-on-abort.js";
import { toJobError } from "./job-error-policy.js";
import { runJob } from "./run-job.js";
export function startReviewWorker(options) {
    const { reviewer } = options.services;
    const worker = new Worker(options.queueName, 
    // The third parameter makes BullMQ hand the processor a cancel signal (used on shutdown).
    async (job, token, signal) => {
        let data;
        try {
            data = parseJobData(job.data);
        }
        catch (error) {
            throw new UnrecoverableError(error.message);
        }
        const log = options.log.child({
            jobId: job.id,
            deliveryId: data.deliveryId,
            repo: `${data.owner}/${data.repo}`,
            pr: data.pullNumber,
            kind: data.kind,
            headSha: data.kind === "review" ? data.headSha : null,
            attempt: job.attemptsMade + 1,
        });
        try {
            const github = guardGithub(await options.githubForInstallation(data.installationId), signal ?? new AbortController().signal);
            const outcome = await handBackOnAbort({ job, token, signal, log }, () => runJob(data, github, options.services, log), () => github.settleWrites());
            log.info({ outcome }, "Review job finished");
            return outcome;
        }
        catch (error) {
            if (error instanceof WaitingError)
                throw error;
            const jobError = toJobError(error, (e) => reviewer.isFatal(e));
            if (reviewer.isFatal(error)) {
                // The one line an operator needs: no retry can fix a rejected key, so none is made.
                log.error({ err: jobError, final: true }, "Model API rejected the key or account (401/403): check AIMLAPI_KEY; review job failed without retries");
            }
            else {
                log.error({ err: jobError, final: jobError instanceof UnrecoverableError }, "Review job failed");
            }
            throw jobError;
        }
    }, {
        connection: options.connection,
        concurrency: options.concurrency,
        ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
        ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    });
    worker.on("error", (error) => options.log.error({ err: error }, "Worker connection error"));
    return worker;
}
