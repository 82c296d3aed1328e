import { join } from "node:path";
import { z } from "zod";

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== "" ? value.trim() : undefined));

/**
 * What the Actions runner sets for every step (docs: "Default environment variables"). GITHUB_API_URL and
 * GITHUB_SERVER_URL are GitHub Enterprise Server's own on GHES; their defaults are github.com's.
 */
export const RunnerEnv = z.object({
  GITHUB_EVENT_NAME: z.string().min(1),
  GITHUB_EVENT_PATH: z.string().min(1),
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "owner/name"),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  GITHUB_SERVER_URL: z.url().default("https://github.com"),
  /** Files the step appends its job summary (markdown) and its outputs to; absent outside a runner. */
  GITHUB_STEP_SUMMARY: optionalText,
  GITHUB_OUTPUT: optionalText,
  GITHUB_RUN_ID: optionalText,
  GITHUB_RUN_ATTEMPT: optionalText,
  RUNNER_TEMP: optionalText,
});
export type RunnerEnv = z.infer<typeof RunnerEnv>;

/** Parses the runner's variables, naming every missing one: outside a runner the entry has nothing to review. */
export function readRunnerEnv(env: NodeJS.ProcessEnv): RunnerEnv {
  const parsed = RunnerEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Not an Actions runner's environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/**
 * The App's environment as the Action's step gives it. action.yml maps every input onto the App's
 * variable, and an input left empty arrives as `""`, which would fail the App's schema (`""` is no
 * number): empty means "the App's default", so it is dropped. Snapshots of the repository go to the
 * runner's temporary directory, not the workflow's workspace.
 */
export function appEnvOfStep(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const runnerTemp = set.RUNNER_TEMP;
  if (!set.REPO_CACHE_DIR && runnerTemp) set.REPO_CACHE_DIR = join(runnerTemp, "codex-review-repos");
  return set;
}
