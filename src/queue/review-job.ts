import { z } from "zod";

export const AUTOMATIC_TRIGGERS = ["opened", "reopened", "synchronize", "ready_for_review"] as const;

const sha = z.string().regex(/^[0-9a-f]{7,64}$/i);

/** What every job carries: identifiers only, never tokens or diffs. */
const PullJobBase = z.object({
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  pullNumber: z.number().int().positive(),
  deliveryId: z.string().nullable(),
});

/** Review the PR: automatically on an event, by `/codex review [full]`, or by a check run's Re-run. */
export const ReviewJobData = PullJobBase.extend({
  /**
   * Null only for a check run's Re-run on a PR from a fork: GitHub leaves the run's `pull_requests`
   * empty then, so the worker finds the open PR whose head is `headSha`.
   */
  pullNumber: z.number().int().positive().nullable(),
  kind: z.literal("review"),
  /** Head SHA the event was about; null for a command, whose worker reviews the PR's current head. */
  headSha: sha.nullable(),
  trigger: z.enum([...AUTOMATIC_TRIGGERS, "command", "rerun"]),
  /** `incremental` reviews only what changed since the app's last review of this PR. */
  mode: z.enum(["incremental", "full"]),
  /** The PR comment that asked for the review (command trigger only). */
  commentId: z.number().int().positive().nullable(),
  /** Login of whoever asked; checked for write access in the worker. */
  requestedBy: z.string().nullable(),
  /**
   * Whether the event's PR was a draft (automatic triggers; absent when unknown). Not what decides a
   * review, which the worker reads from GitHub: it lets the worker read the diff beside the context
   * (worker/read-diff-early.ts).
   */
  draft: z.boolean().optional(),
  /**
   * The PR's base SHA as the event saw it (absent when the event does not say): with `headSha` it pins
   * the diff read beside the context to that push (worker/read-diff-early.ts).
   */
  baseSha: sha.optional(),
});
export type ReviewJobData = z.infer<typeof ReviewJobData>;

/** Commands only people with write access may run; the others (help, unknown) answer anyone. */
export const COMMANDS_NEEDING_WRITE: ReadonlySet<string> = new Set(["pause", "resume", "ask", "resolve"]);

/**
 * `/codex pause|resume|ask|resolve|help|<unknown>` in a PR comment. An ask's question is not copied here: the
 * worker reads it from the comment by id (job data stays identifiers, a question edited before the job
 * runs is answered as it now reads, and a deleted one is not answered).
 */
export const CommandJobData = PullJobBase.extend({
  kind: z.literal("command"),
  command: z.string(),
  commentId: z.number().int().positive(),
  requestedBy: z.string(),
});
export type CommandJobData = z.infer<typeof CommandJobData>;

/** A reply to one of the app's review comments that mentions it: answered in the same thread. */
export const ReplyJobData = PullJobBase.extend({
  kind: z.literal("reply"),
  /** The reply that asked. */
  commentId: z.number().int().positive(),
  requestedBy: z.string(),
});
export type ReplyJobData = z.infer<typeof ReplyJobData>;

export const JobData = z.discriminatedUnion("kind", [ReviewJobData, CommandJobData, ReplyJobData]);
export type JobData = z.infer<typeof JobData>;

const pullKey = (job: Pick<JobData, "owner" | "repo" | "pullNumber">) => `${job.owner}/${job.repo}/pull/${job.pullNumber}`;

/**
 * The key that makes a job unique, so a redelivered webhook maps to the job it already made:
 * (repo, PR, head SHA, event kind) for automatic reviews; (repo, PR, comment id) for commands and
 * replies, whose comment id is already unique; (repo, PR, head SHA, delivery) for a check-run re-run.
 */
export function jobKey(job: JobData): string {
  switch (job.kind) {
    case "review":
      if (job.trigger === "command") return `${pullKey(job)}/comment-${job.commentId}`;
      if (job.trigger === "rerun") return `${job.pullNumber === null ? `${job.owner}/${job.repo}/commit` : pullKey(job)}/${job.headSha}/rerun-${job.deliveryId}`;
      return `${pullKey(job)}/${job.headSha}/${job.trigger}`;
    case "command":
      return `${pullKey(job)}/comment-${job.commentId}`;
    case "reply":
      return `${pullKey(job)}/review-comment-${job.commentId}`;
  }
}

/** BullMQ job id; deterministic, and BullMQ forbids ':' in custom ids. */
export function jobId(job: JobData): string {
  return `${job.kind}/${jobKey(job)}`.replaceAll(":", "_");
}

/** Job data read back from Redis is validated before use: a malformed job fails once, clearly. */
export function parseJobData(data: unknown): JobData {
  const parsed = JobData.refine((job) => job.kind !== "review" || job.trigger === "command" || job.headSha !== null, {
    message: "automatic reviews need a head SHA",
  })
    .refine((job) => job.pullNumber !== null || (job.kind === "review" && job.trigger === "rerun"), {
      message: "only a Re-run may leave the pull request to be found by its head SHA",
    })
    .safeParse(data);
  if (!parsed.success) {
    throw new Error(`Malformed job data: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
