import { z } from "zod";

export const AUTOMATIC_TRIGGERS = ["opened", "reopened", "synchronize", "ready_for_review"] as const;

/** What a review job carries: identifiers only, never tokens or diffs. */
export const ReviewJobData = z.object({
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  pullNumber: z.number().int().positive(),
  /** Head SHA the event was about; null for a command, whose worker reviews the PR's current head. */
  headSha: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/i)
    .nullable(),
  trigger: z.enum([...AUTOMATIC_TRIGGERS, "command"]),
  /** The PR comment that asked for the review (command trigger only). */
  commentId: z.number().int().positive().nullable(),
  /** Login of whoever asked for a review by command; checked for write access in the worker. */
  requestedBy: z.string().nullable(),
  deliveryId: z.string().nullable(),
});
export type ReviewJobData = z.infer<typeof ReviewJobData>;

type JobIdentity = Pick<ReviewJobData, "owner" | "repo" | "pullNumber" | "headSha" | "trigger" | "commentId">;

/**
 * The key that makes a review job unique: (repo, PR, head SHA, event kind) for automatic reviews, and
 * (repo, PR, comment id) for a command, whose comment id is already unique and whose head is read later.
 */
export function reviewJobKey(job: JobIdentity): string {
  const pull = `${job.owner}/${job.repo}/pull/${job.pullNumber}`;
  return job.trigger === "command" ? `${pull}/comment-${job.commentId}` : `${pull}/${job.headSha}/${job.trigger}`;
}

/** BullMQ job id; deterministic so a redelivered webhook maps to the same job. BullMQ forbids ':' in ids. */
export function reviewJobId(job: JobIdentity): string {
  return `review/${reviewJobKey(job)}`.replaceAll(":", "_");
}

/** Job data read back from Redis is validated before use: a malformed job fails once, clearly. */
export function parseReviewJobData(data: unknown): ReviewJobData {
  const parsed = ReviewJobData.refine((job) => job.trigger === "command" || job.headSha !== null, {
    message: "automatic reviews need a head SHA",
  }).safeParse(data);
  if (!parsed.success) {
    throw new Error(`Malformed review job data: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
