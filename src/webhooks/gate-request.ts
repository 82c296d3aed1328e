import { COMMANDS_NEEDING_WRITE, type JobData } from "../queue/review-job.js";

/**
 * `author_association` values that may mean write access. GitHub computes the field without a viewer,
 * so an org member whose membership is private and who writes through a team arrives as CONTRIBUTOR or
 * NONE: the other values are a strong hint of "no write access", never proof. The worker's permission
 * check stays the real gate.
 */
const MAY_WRITE = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/** Whether a request goes straight to the queue or only once per person per repo per hour. */
export type RequestGate = { limit: "none" } | { limit: "per-person"; login: string; reason: string };

/**
 * Gates what a comment asks for, from the payload alone. Commands and thread replies from people the
 * payload does not show as possible writers are queued once per person per repo per hour: that job's
 * permission check answers them (a refusal, or the work for a writer with private membership), and
 * further ones are dropped before any job, GitHub call or model call. `/codex help` (and unknown
 * commands, answered with the help) are open to all but post a comment, so they are limited the same
 * way for everyone. Pure.
 */
export function gateRequest(job: JobData, authorAssociation: string | null | undefined): RequestGate {
  if (job.kind === "review" && job.trigger !== "command") return { limit: "none" };
  const login = job.requestedBy;
  if (!login) return { limit: "none" };
  if (job.kind === "command" && !COMMANDS_NEEDING_WRITE.has(job.command)) return { limit: "per-person", login, reason: "posts the help" };
  if (authorAssociation && MAY_WRITE.has(authorAssociation.toUpperCase())) return { limit: "none" };
  return { limit: "per-person", login, reason: `author_association ${authorAssociation ?? "missing"} shows no write access` };
}
