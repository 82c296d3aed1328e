import { z } from "zod";
import type { RepositoryReader } from "../repository/repository-reader.js";
import {
  isRepositoryToolName,
  ListFilesArgs,
  MAX_LIST_ENTRIES,
  MAX_SEARCH_MATCHES,
  ReadFileArgs,
  REPOSITORY_TOOLS,
  SearchCodeArgs,
  TOOL_ARGS,
} from "./repository-tools.js";
import { renderListFiles, renderReadFile, renderSearchCode, renderToolNote, type RenderedToolOutput } from "./render-tool-output.js";

/** Runs the model's function calls against one review's repository reader. */
export interface RepositoryToolRunner {
  readonly tools: typeof REPOSITORY_TOOLS;
  /** Never throws: a bad call or a failed read is an output telling the model what went wrong. */
  run(call: { name: string; arguments: string }): Promise<RenderedToolOutput>;
}

export function createRepositoryToolRunner(reader: RepositoryReader): RepositoryToolRunner {
  return {
    tools: REPOSITORY_TOOLS,
    async run(call) {
      if (!isRepositoryToolName(call.name)) {
        return renderToolNote(`Unknown tool ${JSON.stringify(call.name.slice(0, 100))}; the tools are read_file, search_code and list_files.`, "unknown_tool");
      }
      const args = parseArguments(call.arguments, TOOL_ARGS[call.name]);
      if (!args.ok) return renderToolNote(`Invalid arguments for ${call.name}: ${args.error}. Call it again with valid arguments.`, "invalid_arguments");
      try {
        switch (call.name) {
          case "read_file": {
            const { path, start_line, end_line, version } = args.value as ReadFileArgs;
            if (start_line !== null && end_line !== null && end_line < start_line) {
              return renderToolNote("Invalid arguments for read_file: end_line is before start_line.", "invalid_arguments");
            }
            const at = version ?? "head";
            return renderReadFile(path, at, start_line, end_line, await reader.readFile(path, at));
          }
          case "search_code": {
            const { query, path_glob } = args.value as SearchCodeArgs;
            return renderSearchCode(query, path_glob, await reader.searchCode(query, path_glob, MAX_SEARCH_MATCHES));
          }
          case "list_files": {
            const { path } = args.value as ListFilesArgs;
            return renderListFiles(path, await reader.listFiles(path, MAX_LIST_ENTRIES));
          }
        }
      } catch (error) {
        // A read that fails (a disk error, the contents API down) costs the model one answer, not the review.
        return renderToolNote(`${call.name} failed: ${(error as Error).message.slice(0, 300)}`, "error");
      }
    },
  };
}

function parseArguments(text: string, schema: z.ZodType): { ok: true; value: unknown } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "the arguments are not JSON" };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: z.prettifyError(parsed.error).replace(/\n/g, "; ").slice(0, 500) };
}
