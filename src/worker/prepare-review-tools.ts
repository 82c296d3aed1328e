import type { ChunkTools } from "../llm/chunk-reviewer.js";
import type { ReviewInputBudget } from "../llm/tool-conversation.js";
import type { RepositoryReader } from "../repository/repository-reader.js";
import { TOOL_INSTRUCTIONS } from "../review/build-review-prompt.js";
import type { ReviewPlan } from "../review/plan-review.js";
import type { RepositoryContextReport } from "../review/render-tool-use.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { noToolUse } from "../review/tool-use.js";
import { createRepositoryToolRunner } from "../tools/run-repository-tool.js";

/** The tools one review's chunks share (one runner, one accounting, one input budget), and its report. */
export interface ReviewTools {
  /** The tools of a chunk review; undefined when the review reads the diff alone. */
  readonly chunk: ChunkTools | undefined;
  /** For the review body; null when there is nothing to say (diff mode). */
  report(): RepositoryContextReport | null;
}

/**
 * Tools only in `agentic` mode with a repository to read. Tool outputs share what the per-PR input
 * cap (`maxInputTokens`) leaves after the planned diff, so reading the repository never takes a review
 * past the cap the operator set.
 */
export function prepareReviewTools(
  repository: RepositoryReader | undefined,
  repositoryUnavailable: string | undefined,
  settings: Pick<ReviewSettings, "context" | "maxInputTokens">,
  plan: Pick<ReviewPlan, "chunks">,
): ReviewTools {
  const { context } = settings;
  const notes = repositoryUnavailable ? [`Reviewed from the diff alone: ${repositoryUnavailable}.`] : [];
  if (context.mode !== "agentic" || !repository) {
    return { chunk: undefined, report: () => (notes.length > 0 ? { toolUse: null, notes } : null) };
  }
  if (repository.limitation) notes.push(repository.limitation);
  const diffTokens = plan.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0);
  const review: ReviewInputBudget = { remaining: Math.max(0, settings.maxInputTokens - diffTokens) };
  const use = noToolUse();
  const chunk: ChunkTools = {
    runner: createRepositoryToolRunner(repository),
    budget: { rounds: context.toolRounds, outputTokens: context.toolOutputTokens, review },
    use,
    instructions: TOOL_INSTRUCTIONS,
  };
  return {
    chunk,
    report: () => ({
      toolUse: use,
      notes:
        use.refusedChunks > 0
          ? [...notes, `The model endpoint did not accept tools, so ${use.refusedChunks} chunk(s) were reviewed from the diff alone.`]
          : notes,
    }),
  };
}
