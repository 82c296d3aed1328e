import { CONTEXT_MODES, type ContextMode, type ReviewSettings } from "../review/review-settings.js";
import type { RepoConfig } from "./repo-config.js";

/**
 * The env's settings with a repository's config laid over them; `guidelines` is AGENTS.md's review
 * section. The env's cost caps and reasoning effort are the operator's ceilings: a repository may lower
 * them, never raise them. Pure.
 */
export function effectiveSettings(base: ReviewSettings, config: RepoConfig, guidelines: string | null): ReviewSettings {
  const instructions = [config.instructions.trim(), guidelines ? `Repository review guidelines (from AGENTS.md):\n${guidelines.trim()}` : ""]
    .filter(Boolean)
    .join("\n\n");
  return {
    ...base,
    maxFiles: Math.min(config.caps.max_files ?? base.maxFiles, base.maxFiles),
    maxChunks: Math.min(config.caps.max_chunks ?? base.maxChunks, base.maxChunks),
    maxInputTokens: Math.min(config.caps.max_input_tokens ?? base.maxInputTokens, base.maxInputTokens),
    exclude: [...base.exclude, ...config.paths.exclude],
    include: [...base.include, ...config.paths.include],
    severityThreshold: config.severity_threshold,
    maxComments: config.max_comments,
    language: config.language,
    instructions,
    pathInstructions: config.path_instructions,
    reasoningEffort: lowerEffort(config.reasoning_effort, base.reasoningEffort),
    context: {
      mode: cheaperMode(config.context.mode, base.context.mode),
      scopeLines: Math.min(config.context.lines ?? base.context.scopeLines, base.context.scopeLines),
      toolRounds: Math.min(config.context.tool_rounds ?? base.context.toolRounds, base.context.toolRounds),
      toolOutputTokens: Math.min(config.context.tool_output_tokens ?? base.context.toolOutputTokens, base.context.toolOutputTokens),
    },
    checkFailOn: config.check.fail_on,
    summaryComment: config.summary_comment,
  };
}

function cheaperMode(repo: ContextMode | undefined, ceiling: ContextMode): ContextMode {
  if (!repo) return ceiling;
  return CONTEXT_MODES.indexOf(repo) < CONTEXT_MODES.indexOf(ceiling) ? repo : ceiling;
}

type Effort = NonNullable<ReviewSettings["reasoningEffort"]>;
const EFFORT_ORDER: readonly Effort[] = ["low", "medium", "high"];

/** The repository's effort when it is at most the env's; with no env value known, the repository's cannot be checked and is not used. */
function lowerEffort(repo: Effort | undefined, ceiling: Effort | null): Effort | null {
  if (!repo || !ceiling) return ceiling;
  return EFFORT_ORDER.indexOf(repo) < EFFORT_ORDER.indexOf(ceiling) ? repo : ceiling;
}
