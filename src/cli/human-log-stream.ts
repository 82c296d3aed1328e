/** pino's own fields, which say nothing to a person at a terminal. */
const PLUMBING = new Set(["level", "time", "pid", "hostname", "name", "msg", "err"]);
const LEVEL_WORDS: Array<[number, string]> = [
  [50, "error"],
  [40, "warning"],
  [30, "info"],
  [0, "debug"],
];
const MAX_LINE = 300;

/**
 * One pino JSON record as a short line for a person: `codex-review: warning: <msg> (k=v …): <error>`.
 * Only plain values are shown (objects and arrays are for the JSON logs); the error adds its message.
 */
export function formatLogLine(record: Record<string, unknown>): string {
  const level = typeof record.level === "number" ? record.level : 30;
  const word = LEVEL_WORDS.find(([floor]) => level >= floor)?.[1] ?? "info";
  const fields = Object.entries(record)
    .filter(([key, value]) => !PLUMBING.has(key) && value !== null && ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `${key}=${String(value)}`);
  const err = record.err as { message?: unknown } | undefined;
  let line = `codex-review: ${word}: ${String(record.msg ?? "")}`;
  if (fields.length) line += ` (${fields.join(" ")})`;
  if (typeof err?.message === "string") line += `: ${err.message}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * A pino destination for the CLI's terminal: each record becomes one `formatLogLine` line on `out`
 * (stderr), so warnings read like the progress lines around them. On a terminal the live progress line
 * is cleared first; the next progress update draws it again below the warning.
 */
export function createHumanLogStream(out: { isTTY?: boolean; write(text: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk) {
      for (const text of chunk.split("\n")) {
        if (!text.trim()) continue;
        let line: string;
        try {
          line = formatLogLine(JSON.parse(text) as Record<string, unknown>);
        } catch {
          line = text;
        }
        out.write(`${out.isTTY ? "\r\x1b[2K" : ""}${line}\n`);
      }
    },
  };
}
