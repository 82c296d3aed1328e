import type { FakeResponsesCall } from "../fakes/aimlapi-fake.js";

export interface CitedLine {
  path: string;
  line: number;
  code: string;
}

/** The added lines a review prompt shows (`R<n> +code` under `FILE: path`), in order. */
export function addedLinesInPrompt(input: string): CitedLine[] {
  const lines: CitedLine[] = [];
  let path = "";
  for (const text of input.split("\n")) {
    const file = /^FILE: (\S+)/.exec(text);
    if (file) path = file[1]!;
    const added = /^R(\d+) \+(.*)$/.exec(text);
    if (added && path) lines.push({ path, line: Number(added[1]), code: added[2]! });
  }
  return lines;
}

/** The prompt's user input: the string input, or the user message that opens a conversation with tools. */
export function promptInput(call: FakeResponsesCall): string {
  if (typeof call.body.input === "string") return call.body.input;
  const items = call.body.input as Array<{ type?: string; role?: string; content?: unknown }>;
  const first = items.find((item) => item.type === "message" && item.role === "user");
  return typeof first?.content === "string" ? first.content : JSON.stringify(call.body.input);
}

/** Whether a call is a review (JSON output asked for) rather than a free-text thread answer or a fix check. */
export function isReviewCall(call: FakeResponsesCall): boolean {
  const format = (call.body as { text?: { format?: { type?: string; name?: string } } }).text?.format;
  return (format?.type === "json_schema" || format?.type === "json_object") && !isFixCheckCall(call);
}

/** Whether a call checks earlier findings against a new head (its schema is named `fix_check`). */
export function isFixCheckCall(call: FakeResponsesCall): boolean {
  return (call.body as { text?: { format?: { name?: string } } }).text?.format?.name === "fix_check";
}

/** A model that reports one P1 finding per added line it is shown, titled after the line's code. */
export function findingPerAddedLine(input: string, limit = 50) {
  return {
    summary: "Reviewed.",
    comments: addedLinesInPrompt(input)
      .slice(0, limit)
      .map((cited) => ({
        path: cited.path,
        line: cited.line,
        side: "RIGHT",
        start_line: null,
        severity: "P1",
        title: `Check ${cited.code.trim().slice(0, 40) || "this line"}`,
        body: "This line deserves a second look.",
        suggestion: null,
        quote: cited.code.trim(),
      })),
  };
}
