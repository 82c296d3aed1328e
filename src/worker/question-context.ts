import type { Logger } from "pino";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { PullRequest } from "../github/pull-requests.js";
import { countTokens } from "../llm/count-tokens.js";
import { buildQuestionPrompt, type QuestionContext } from "../review/build-question-prompt.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import { planReview } from "../review/plan-review.js";
import { repositoryGuidanceFor } from "../review/repository-guidance.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { ReviewPrompt } from "../review/types.js";
import { fetchDiff } from "./review-pull-request.js";

export interface AskTarget {
  pr: PullRequest;
  question: string;
  askedBy: string;
  /** The repository's effective settings. */
  settings: ReviewSettings;
  /** The repository's tools come with the call. */
  tools?: boolean;
}

/**
 * The prompt of a `/codex ask`: the PR's text, as much of its diff as fits, and the question. One model
 * call, so the diff gets at most one review chunk's tokens (REVIEW_CHUNK_TOKENS), and the whole prompt
 * stays within the per-PR input cap (`maxInputTokens`), the repository's lower values included. Files are
 * kept in the review's priority order (source before tests before docs), filters and caps applied.
 */
export async function buildAskPrompt(github: GithubClient, ref: PullRequestRef, target: AskTarget, log: Logger): Promise<{ prompt: ReviewPrompt; filesLeftOut: number }> {
  const { pr, settings } = target;
  const { diff, unreviewable } = await fetchDiff(github, ref, log);
  const base: Omit<QuestionContext, "files" | "leftOut"> = {
    pr: { owner: ref.owner, repo: ref.repo, number: pr.number, title: pr.title, body: pr.body, baseRef: pr.base.ref, headRef: pr.head.ref },
    question: target.question,
    askedBy: target.askedBy,
    language: settings.language,
    ...(target.tools ? { tools: true } : {}),
  };
  const parsed = parseUnifiedDiff(diff);
  const instructions = repositoryGuidanceFor(parsed.map((file) => file.path), settings);
  // What the prompt holds besides the diff, at its largest: every file listed as left out.
  const allLeftOut = [...unreviewable, ...parsed.map(({ path }) => ({ path, reason: "not shown: over the input-token cap" }))];
  const frame = buildQuestionPrompt({ ...base, instructions, files: [], leftOut: allLeftOut });
  const diffTokens = Math.min(settings.chunkTokens, settings.maxInputTokens - countTokens(frame.instructions) - countTokens(frame.input));
  const plan = diffTokens > 0 ? planReview(parsed, { ...settings, chunkTokens: diffTokens, maxInputTokens: diffTokens, maxChunks: 1 }, { extraSkipped: unreviewable }) : null;
  const files = plan?.chunks[0]?.files ?? [];
  const leftOut = plan ? plan.skipped : allLeftOut;
  const prompt = buildQuestionPrompt({ ...base, instructions, files, leftOut });
  return { prompt, filesLeftOut: new Set(leftOut.map(({ path }) => path)).size };
}
