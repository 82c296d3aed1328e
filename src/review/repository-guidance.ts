import { compileGlobs } from "../diff/match-glob.js";
import type { ReviewSettings } from "./review-settings.js";

/**
 * Characters of guidance one prompt carries at most: room for `instructions` (4,000) and the AGENTS.md
 * section (4,000) whole, and for the path rules that match. It is not counted in REVIEW_CHUNK_TOKENS or
 * REVIEW_MAX_INPUT_TOKENS, so without this bound 50 matching rules of 2,000 characters would add 25k
 * tokens to every chunk's prompt.
 */
export const MAX_GUIDANCE_CHARS = 12_000;
/** Paths named per matching rule; a rule over a whole folder otherwise lists every file of the chunk. */
const MAX_NAMED_PATHS = 10;

/**
 * The repository's guidance for a prompt about `paths`: its instructions (config `instructions` and the
 * AGENTS.md review section) plus each `path_instructions` rule whose glob matches one of them. Pure.
 */
export function repositoryGuidanceFor(paths: readonly string[], settings: Pick<ReviewSettings, "instructions" | "pathInstructions">): string {
  const parts = settings.instructions ? [settings.instructions] : [];
  for (const rule of settings.pathInstructions) {
    const matches = compileGlobs([rule.path]);
    const matched = paths.filter((path) => matches(path));
    if (matched.length === 0) continue;
    const named = matched.length > MAX_NAMED_PATHS ? `${matched.slice(0, MAX_NAMED_PATHS).join(", ")} and ${matched.length - MAX_NAMED_PATHS} more` : matched.join(", ");
    parts.push(`For ${named}: ${rule.instructions}`);
  }
  const guidance = parts.join("\n\n");
  if (guidance.length <= MAX_GUIDANCE_CHARS) return guidance;
  const note = `\n(repository guidance cut at ${MAX_GUIDANCE_CHARS} characters)`;
  return guidance.slice(0, MAX_GUIDANCE_CHARS - note.length) + note;
}
