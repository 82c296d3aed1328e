import picomatch from "picomatch";
import type { ReviewSettings } from "./review-settings.js";

/**
 * The repository's guidance for a prompt about `paths`: its instructions (config `instructions` and the
 * AGENTS.md review section) plus each `path_instructions` rule whose glob matches one of them. Pure.
 */
export function repositoryGuidanceFor(paths: readonly string[], settings: Pick<ReviewSettings, "instructions" | "pathInstructions">): string {
  const parts = settings.instructions ? [settings.instructions] : [];
  for (const rule of settings.pathInstructions) {
    const matches = picomatch(rule.path, { dot: true });
    const matched = paths.filter((path) => matches(path));
    if (matched.length > 0) parts.push(`For ${matched.join(", ")}: ${rule.instructions}`);
  }
  return parts.join("\n\n");
}
