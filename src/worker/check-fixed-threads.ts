import type { Logger } from "pino";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import type { GithubClient } from "../github/github-client.js";
import { replyInThreads, resolveThreads } from "../github/thread-mutations.js";
import type { FixChecker } from "../llm/fix-checker.js";
import type { RepositoryReader } from "../repository/repository-reader.js";
import { buildFixCheckPrompt, type FixCheckItem } from "../review/build-fix-check-prompt.js";
import { codeAroundInDiff, codeAroundInText } from "../review/code-around.js";
import type { ReasoningEffort } from "../llm/responses-client.js";
import { renderFixReply } from "../review/render-fix-reply.js";
import { selectFixCandidates } from "../review/select-fix-candidates.js";
import type { OwnThread } from "../review/thread-findings.js";
import type { TokenUsage } from "../review/types.js";

/** Findings checked at most per review (one model call); the rest wait for the next push. */
export const MAX_FIX_CHECKS = 40;

export interface FixCheckInput {
  headSha: string;
  /** Our threads, classified at this head (thread-findings.ts). */
  threads: OwnThread[];
  lastReviewedHead: string | null;
  /** What the commits since the last review changed; null when unknown. */
  newChanges: FileDiff[] | null;
  /** The PR's diff at the head (base...head), for the code around a finding when there is no repository. */
  pullDiff: string;
  repository?: RepositoryReader;
  reasoningEffort: ReasoningEffort | null;
  /** Charges the job's budget (once per job) right before the model call. */
  beforeModelCall: () => Promise<void>;
}

export interface FixCheckResult {
  /** The threads with their states after the check (fixed ones resolved). */
  threads: OwnThread[];
  usage: TokenUsage;
  checked: number;
  fixed: number;
}

/**
 * The fix check of one review: the open threads the new commits touched (or that GitHub marks outdated)
 * go to the model in ONE call; each `fixed` one gets one reply naming the commit (all replies in one
 * mutation document), then all are resolved (one more). A thread whose fix reply for this head is
 * already there (an earlier attempt of this job stopped before resolving) is only resolved. A failed
 * model call leaves every thread as it was: the review goes on.
 */
export async function checkFixedThreads(input: FixCheckInput, deps: { github: GithubClient; fixChecker?: FixChecker; log: Logger }): Promise<FixCheckResult> {
  const { github, log } = deps;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, usdSpent: 0 };
  const pending = input.threads.filter((own) => own.resolvePending);
  const candidates = deps.fixChecker
    ? selectFixCandidates({ threads: input.threads, headSha: input.headSha, lastReviewedHead: input.lastReviewedHead, newChanges: input.newChanges }).slice(0, MAX_FIX_CHECKS)
    : [];

  const fixedNow = new Map<string, string>(); // thread id -> reason
  if (candidates.length > 0 && deps.fixChecker) {
    const items = await describeCandidates(candidates, input);
    await input.beforeModelCall();
    try {
      const verdicts = await deps.fixChecker.check(buildFixCheckPrompt(items, input.headSha), {
        keys: items.map((item) => item.key),
        usage,
        reasoningEffort: input.reasoningEffort,
        ...(input.repository ? { repository: input.repository } : {}),
      });
      verdicts.forEach((verdict, i) => {
        if (verdict.verdict === "fixed") fixedNow.set(candidates[i]!.thread.id, verdict.reason);
      });
      log.info({ checked: candidates.length, verdicts: verdicts.map((verdict) => verdict.verdict) }, "Checked earlier findings against the new head");
    } catch (error) {
      log.warn({ err: error, checked: candidates.length }, "The fix check failed; the threads stay as they are");
    }
  }

  const replies = candidates
    .filter((own) => fixedNow.has(own.thread.id))
    .map((own) => ({ threadId: own.thread.id, body: renderFixReply({ fingerprint: own.marker.fingerprint, headSha: input.headSha, reason: fixedNow.get(own.thread.id)! }) }));
  const replied = await replyInThreads(github, replies);
  for (const failure of replied.failed) log.warn({ threadId: failure.threadId, reason: failure.message }, "Could not reply in a fixed thread");
  // A failed resolve request fails the job: its retry finds the replies by their markers and resolves.
  const resolved = await resolveThreads(github, [...pending.map((own) => own.thread.id), ...replied.done]);
  for (const failure of resolved.failed) log.warn({ threadId: failure.threadId, reason: failure.message }, "Could not resolve a fixed thread");

  const done = new Set(resolved.done);
  const threads = input.threads.map((own) =>
    done.has(own.thread.id) ? { ...own, state: "fixed" as const, fixedIn: own.fixedIn ?? input.headSha, resolvePending: false, thread: { ...own.thread, isResolved: true } } : own,
  );
  if (resolved.done.length > 0) log.info({ resolved: resolved.done.length }, "Resolved the threads of fixed findings");
  return { threads, usage, checked: candidates.length, fixed: resolved.done.length };
}

/** Each candidate with the code around it at the head: from the repository when there is one, else from the PR diff. */
async function describeCandidates(candidates: OwnThread[], input: FixCheckInput): Promise<FixCheckItem[]> {
  const pullFiles = new Map(parseUnifiedDiff(input.pullDiff).map((file) => [file.path, file]));
  return Promise.all(
    candidates.map(async (own, i) => {
      const root = own.thread.comments[0];
      const where = await codeFor(own, input.repository, pullFiles.get(own.thread.path));
      const body = root?.body ?? "";
      const marker = body.lastIndexOf("<!-- codex-review:finding");
      return {
        key: `F${i + 1}`,
        path: own.thread.path,
        line: own.thread.line,
        severity: own.marker.severity,
        title: own.title,
        body: (marker >= 0 ? body.slice(0, marker) : body).trim(),
        ...where,
      };
    }),
  );
}

async function codeFor(own: OwnThread, repository: RepositoryReader | undefined, pullFile: FileDiff | undefined): Promise<{ code: string | null; codeNote: string }> {
  const { path, line, originalLine } = own.thread;
  if (repository) {
    const read = await repository.readFile(path, "head").catch(() => null);
    // An outdated thread has no line at the head: its original line, with a wider view, is the best guess.
    if (read?.kind === "text") return { code: line === null ? codeAroundInText(read.text, originalLine, 40) : codeAroundInText(read.text, line), codeNote: "the file at the new head" };
    if (read?.kind === "missing") return { code: null, codeNote: "the file no longer exists at the new head" };
  }
  const code = codeAroundInDiff(pullFile, line);
  return code === null
    ? { code: null, codeNote: "the file has no changes in the pull request's diff any more" }
    : { code, codeNote: "what the pull request's diff shows of the file" };
}
