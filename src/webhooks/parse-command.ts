import { cutText } from "../diff/cut-text.js";

/** A command found at the start of a comment: `/codex <name> [args]` or `@<app-slug> <name> [args]`. */
export interface Command {
  name: string;
  args: string[];
}

const MAX_COMMAND_LINE_CHARS = 1_000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function commandPrefix(appSlug: string): RegExp {
  return new RegExp(`^\\s*(?:/codex|@${escapeRegExp(appSlug)}(?:\\[bot\\])?)(?=\\s|$)`, "i");
}

/** Reads a command from a comment's first line; anything else is not one. Case-insensitive. Pure. */
export function parseCommand(body: string | null | undefined, appSlug: string): Command | null {
  if (!body) return null;
  // Commands are a few words: the rest of a hostile megabyte-long first line is never split.
  const firstLine = cutText(body.split(/\r?\n/, 1)[0] ?? "", MAX_COMMAND_LINE_CHARS);
  const prefix = commandPrefix(appSlug);
  if (!prefix.test(firstLine)) return null;
  const words = firstLine.replace(prefix, "").trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [name = "help", ...args] = words;
  return { name, args };
}

/** Longest question `/codex ask` passes to the model; the rest of a longer comment is cut. */
export const MAX_QUESTION_CHARS = 4_000;

/**
 * The question of a `/codex ask <question>` comment: the rest of the first line and every line after it,
 * case and line breaks kept, cut at MAX_QUESTION_CHARS. `""` for `/codex ask` alone (answered with the
 * usage); null when the comment is not an ask. Pure.
 */
export function parseQuestion(body: string | null | undefined, appSlug: string): string | null {
  if (!body || parseCommand(body, appSlug)?.name !== "ask") return null;
  // The first line starts with the prefix and the word "ask" (parseCommand said so): drop both.
  const rest = cutText(body, MAX_COMMAND_LINE_CHARS + MAX_QUESTION_CHARS).replace(commandPrefix(appSlug), "").replace(/^[^\S\r\n]*ask/i, "");
  return cutText(rest.trim(), MAX_QUESTION_CHARS).trimEnd();
}

/** Whether a comment addresses the app anywhere: `/codex` or `@<app-slug>` as a word. Pure. */
export function mentionsApp(body: string | null | undefined, appSlug: string): boolean {
  if (!body) return false;
  return new RegExp(`(^|\\s)(/codex|@${escapeRegExp(appSlug)})(?=\\W|$)`, "i").test(body);
}
