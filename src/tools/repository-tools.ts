import { z } from "zod";

/**
 * The model's read-only tools over the repository at the reviewed head: their JSON Schemas (sent with
 * `strict: true`, so every property is required and optional ones are nullable) and the zod schemas
 * their arguments are checked with, since the model's output is untrusted. Pure.
 */

/** Lines at most one `read_file` call returns. */
export const MAX_READ_LINES = 300;
/** Matches at most one `search_code` call returns; the number of the others is stated. */
export const MAX_SEARCH_MATCHES = 40;
/** Entries at most one `list_files` call returns. */
export const MAX_LIST_ENTRIES = 200;
/** Characters at most of one line shown to the model (minified files have megabyte lines). */
export const MAX_TOOL_LINE_CHARS = 400;

export const REPOSITORY_TOOL_NAMES = ["read_file", "search_code", "list_files"] as const;
export type RepositoryToolName = (typeof REPOSITORY_TOOL_NAMES)[number];

const RepoPath = z.string().max(1_000);

export const ReadFileArgs = z
  .object({
    path: RepoPath.min(1),
    start_line: z.number().int().min(1).nullable(),
    end_line: z.number().int().min(1).nullable(),
    version: z.enum(["head", "base"]).nullable(),
  })
  .strict();
export type ReadFileArgs = z.infer<typeof ReadFileArgs>;

export const SearchCodeArgs = z
  .object({
    query: z.string().min(2).max(200),
    path_glob: z.string().min(1).max(200).nullable(),
  })
  .strict();
export type SearchCodeArgs = z.infer<typeof SearchCodeArgs>;

export const ListFilesArgs = z.object({ path: RepoPath }).strict();
export type ListFilesArgs = z.infer<typeof ListFilesArgs>;

export const TOOL_ARGS: Record<RepositoryToolName, z.ZodType> = {
  read_file: ReadFileArgs,
  search_code: SearchCodeArgs,
  list_files: ListFilesArgs,
};

const nullable = (type: string, description: string) => ({ type: [type, "null"], description });

/** The function tools as the Responses API takes them (`type` and `strict` are added by the client). */
export const REPOSITORY_TOOLS = [
  {
    name: "read_file",
    description:
      `Numbered lines of one file of the repository, at the pull request's head (default) or its base, with the file's total line count. At most ${MAX_READ_LINES} lines per call: read a long file in ranges.`,
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "Path from the repository root, e.g. src/app.ts." },
        start_line: nullable("integer", "First line to read (1-based); null for 1."),
        end_line: nullable("integer", `Last line to read; null for start_line + ${MAX_READ_LINES - 1}.`),
        version: { type: ["string", "null"], enum: ["head", "base", null], description: "head (the PR's code, default) or base (before the PR)." },
      },
      required: ["path", "start_line", "end_line", "version"],
      additionalProperties: false,
    },
  },
  {
    name: "search_code",
    description:
      `Literal (not regex), case-sensitive search over the repository's text files at the head. Returns matches as path:line: text, at most ${MAX_SEARCH_MATCHES}, and how many more there are. Use it to find the callers of a changed function or the uses of a changed type.`,
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", description: "The exact text to find, e.g. a function name followed by (." },
        path_glob: nullable("string", "Only files matching this glob, e.g. src/**/*.ts; null for every file."),
      },
      required: ["query", "path_glob"],
      additionalProperties: false,
    },
  },
  {
    name: "list_files",
    description: `The entries of one directory at the head (files and subdirectories), at most ${MAX_LIST_ENTRIES}.`,
    parameters: {
      type: "object",
      properties: { path: { type: "string", description: 'Directory path from the repository root; "" for the root.' } },
      required: ["path"],
      additionalProperties: false,
    },
  },
] satisfies Array<{ name: RepositoryToolName; description: string; parameters: Record<string, unknown> }>;

export function isRepositoryToolName(name: string): name is RepositoryToolName {
  return (REPOSITORY_TOOL_NAMES as readonly string[]).includes(name);
}
