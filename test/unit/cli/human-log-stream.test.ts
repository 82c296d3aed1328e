import { describe, expect, it } from "vitest";
import { createHumanLogStream, formatLogLine } from "../../../src/cli/human-log-stream.js";

describe("formatLogLine", () => {
  it("turns a pino warning into one short line with its plain fields and the error's message", () => {
    const record = {
      level: 40,
      time: 1,
      pid: 2,
      hostname: "vm",
      name: "codex-review-cli",
      chunk: 0,
      status: 503,
      headers: { a: 1 },
      err: { type: "AimlApiError", message: "AI/ML API answered 503", stack: "at x" },
      msg: "Model call failed; retrying",
    };
    expect(formatLogLine(record)).toBe("codex-review: warning: Model call failed; retrying (chunk=0 status=503): AI/ML API answered 503");
  });

  it("cuts very long lines", () => {
    expect(formatLogLine({ level: 50, msg: "x".repeat(1_000) })).toHaveLength(300);
  });
});

describe("createHumanLogStream", () => {
  it("clears a live progress line on a terminal before the warning", () => {
    const written: string[] = [];
    createHumanLogStream({ isTTY: true, write: (text) => written.push(text) }).write(`${JSON.stringify({ level: 40, msg: "Careful" })}\n`);
    expect(written).toEqual(["\r\x1b[2Kcodex-review: warning: Careful\n"]);
  });
});
