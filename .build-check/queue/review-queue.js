import { Queue } from "bullmq";
import { jobId } from "./review-job.js";
import { supersedeOlderReview } from "./supersede-older-review.js";
export function createReviewQueue(name, connection) {
    return new Queue(name, {
        connection,
        defaultJobOptions: {
            attempts: 3,
            backoff: { type: "exponential", delay: 5_000 },
            // Finished jobs are kept a day so a redelivered webhook finds its job id taken and adds nothing.
            removeOnComplete: { age: 24 * 3600, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
        },
    });
}
/** Adds a job under its deterministic id; reports whether that id was already taken or the job refused. */
export async function enqueueJob(queue, data, options = {}) {
    const id = jobId(data);
    if (await queue.getJob(id))
        return { jobId: id, duplicate: true, limited: false };
    if (options.admit && !(await options.admit(data)))
        return { jobId: id, duplicate: false, limited: true };
    // Two racing deliveries can both pass the check above; BullMQ keeps the first job under the id.
    await queue.add(data.kind, data, { jobId: id });
    if (options.supersedeWith)
        await supersedeOlderReview(queue, options.supersedeWith, data);
    return { jobId: id, duplicate: false, limited: false };
}
