/** A `/codex ...` command found at the start of a comment. */
export interface Command {
  name: string;
  args: string[];
}

const COMMAND_PREFIX = /^\s*\/codex(?:\s+|$)/i;

/** Reads a command from a comment body: only a comment that starts with `/codex` is one. Pure. */
export function parseCommand(body: string | null | undefined): Command | null {
  if (!body) return null;
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  if (!COMMAND_PREFIX.test(firstLine)) return null;
  const words = firstLine.replace(COMMAND_PREFIX, "").trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [name = "help", ...args] = words;
  return { name, args };
}
