import pLimit from "p-limit";
import type { Logger } from "pino";
import type { RepositoryReader } from "../repository/repository-reader.js";

/** Files read at once from the repository; a snapshot on disk answers fast, the contents API is one request each. */
const READ_CONCURRENCY = 8;

/**
 * The text at the head of each path (deduplicated), for widening hunks and checking findings outside
 * the diff. A binary, missing or refused file, or one that fails to read, is left out: it is not widened
 * and not linked, and the review goes on.
 */
export async function readHeadTexts(reader: RepositoryReader, paths: readonly string[], log: Logger): Promise<Map<string, string>> {
  const limit = pLimit(READ_CONCURRENCY);
  const texts = new Map<string, string>();
  await Promise.all(
    [...new Set(paths)].map((path) =>
      limit(async () => {
        try {
          const result = await reader.readFile(path, "head");
          if (result.kind === "text") texts.set(path, result.text);
        } catch (error) {
          log.warn({ err: error, path }, "Could not read a file at the head; it is reviewed without its scope");
        }
      }),
    ),
  );
  return texts;
}
