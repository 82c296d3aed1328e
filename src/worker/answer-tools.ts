import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import { countTokens } from "../llm/count-tokens.js";
import type { AnswerTools } from "../llm/thread-responder.js";
import type { RepositoryOpener, RepositoryReader } from "../repository/repository-reader.js";
import { countToolCalls, noToolUse } from "../review/tool-use.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { ReviewPrompt } from "../review/types.js";
import { createRepositoryToolRunner } from "../tools/run-repository-tool.js";
import { openRepository } from "./open-repository.js";

export interface AnswerToolsTarget {
  owner: string;
  repo: string;
  pr: { head: { sha: string }; base: { sha: string } };
}

/**
 * The repository at the PR's head for an answer (a thread reply, `/codex ask`), in `agentic` mode only.
 * Null in `diff` and `scope` mode, without an opener, or when the repository cannot be read: the answer
 * then comes from its prompt alone.
 */
export async function openAnswerRepository(
  opener: RepositoryOpener | undefined,
  github: GithubClient,
  target: AnswerToolsTarget,
  settings: ReviewSettings,
  log: Logger,
): Promise<RepositoryReader | null> {
  const { mode, toolRounds } = settings.context;
  if (mode !== "agentic" || toolRounds < 1) return null;
  const repository = { owner: target.owner, repo: target.repo, headSha: target.pr.head.sha, baseSha: target.pr.base.sha, sizeKb: null };
  return (await openRepository(opener, github, repository, mode, log)).reader;
}

/**
 * The tools over `reader` for one answer, with the review's per-chunk budgets: REVIEW_TOOL_ROUNDS model
 * calls, REVIEW_TOOL_OUTPUT_TOKENS of tool output, and the prompt plus every tool output within the
 * per-PR input cap (the repository's lower values included). Null when the prompt leaves no room.
 */
export function answerToolsFor(reader: RepositoryReader, settings: ReviewSettings, prompt: ReviewPrompt): AnswerTools | null {
  const remaining = settings.maxInputTokens - countTokens(prompt.instructions) - countTokens(prompt.input);
  if (remaining <= 0) return null;
  return {
    runner: createRepositoryToolRunner(reader),
    budget: { rounds: settings.context.toolRounds, outputTokens: settings.context.toolOutputTokens, review: { remaining } },
    use: noToolUse(),
  };
}

/** The tool use of one answer, for its log line. */
export function describeToolUse(tools: AnswerTools | null): { toolCalls: number; filesRead: string[]; toolOutputTokens: number } | Record<string, never> {
  if (!tools) return {};
  return { toolCalls: countToolCalls(tools.use), filesRead: tools.use.filesRead, toolOutputTokens: tools.use.outputTokens };
}
