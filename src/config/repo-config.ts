import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { globProblem } from "../diff/match-glob.js";

export const REPO_CONFIG_PATH = ".github/codex-review.yml";

const severity = z.enum(["P0", "P1", "P2", "P3"]);
/** Globs per list, and path rules: each is matched against every file of a PR, and a rule's text joins every prompt it matches. */
export const MAX_REPO_GLOBS = 100;
export const MAX_PATH_INSTRUCTIONS = 50;
// Its length (MAX_GLOB_CHARS, brace alternatives counted each) is checked with the rest by globProblem.
const glob = z
  .string()
  .min(1)
  .superRefine((value, context) => {
    const problem = globProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });
const globs = z.array(glob).max(MAX_REPO_GLOBS);
const positive = z.number().int().positive();

/** `.github/codex-review.yml`: every key optional; defaults below. Unknown keys are errors, so typos surface. */
export const RepoConfig = z
  .object({
    /** Master switch: false makes the app ignore the repository. */
    enabled: z.boolean().default(true),
    /** Review on push/open without being asked. */
    auto_review: z.boolean().default(true),
    /** Review draft pull requests automatically. */
    drafts: z.boolean().default(false),
    paths: z
      .object({ include: globs.default([]), exclude: globs.default([]) })
      .strict()
      .default({ include: [], exclude: [] }),
    /** Findings below this severity are not posted (P3 posts everything). */
    severity_threshold: severity.default("P3"),
    /** Inline comments at most per review; the rest go to the review body. */
    max_comments: positive.max(100).default(25),
    /** Language of the review text. */
    language: z.string().min(1).max(40).default("English"),
    /** Added to the reviewer's instructions. */
    instructions: z.string().max(4_000).default(""),
    /** Extra instructions for files matching a glob. */
    path_instructions: z
      .array(z.object({ path: glob, instructions: z.string().min(1).max(2_000) }).strict())
      .max(MAX_PATH_INSTRUCTIONS)
      .default([]),
    reasoning_effort: z.enum(["low", "medium", "high"]).optional(),
    caps: z
      .object({ max_files: positive.optional(), max_chunks: positive.optional(), max_input_tokens: positive.optional() })
      .strict()
      .default({}),
    /** Repository context; each value only lowers the operator's env value. */
    context: z
      .object({
        mode: z.enum(["diff", "scope", "agentic"]).optional(),
        lines: z.number().int().min(0).optional(),
        tool_rounds: positive.optional(),
        tool_output_tokens: positive.optional(),
      })
      .strict()
      .default({}),
    check: z
      .object({ fail_on: z.enum(["P0", "P1", "never"]).default("never") })
      .strict()
      .default({ fail_on: "never" }),
    /** One summary comment per PR, edited in place. */
    summary_comment: z.boolean().default(true),
  })
  .strict();
export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_REPO_CONFIG: RepoConfig = RepoConfig.parse({});

export type RepoConfigResult = { config: RepoConfig; errors: string[] };

/** Validates a parsed config file; a bad file yields the defaults plus one message per bad key. Pure. */
export function parseRepoConfig(raw: unknown): RepoConfigResult {
  if (raw === null || raw === undefined) return { config: DEFAULT_REPO_CONFIG, errors: [] };
  const parsed = RepoConfig.safeParse(raw);
  if (parsed.success) return { config: parsed.data, errors: [] };
  const errors = parsed.error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key].join(".")) : [issue.path.join(".")];
    const where = keys.filter(Boolean).join(", ") || "(top level)";
    return issue.code === "unrecognized_keys" ? `unknown key ${where}` : `${where}: ${issue.message}`;
  });
  return { config: DEFAULT_REPO_CONFIG, errors };
}

/** Parses the config file's YAML text; YAML errors are reported like bad keys. Pure. */
export function parseRepoConfigText(text: string): RepoConfigResult {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    return { config: DEFAULT_REPO_CONFIG, errors: [`not valid YAML: ${(error as Error).message.split("\n")[0]}`] };
  }
  return parseRepoConfig(raw);
}
