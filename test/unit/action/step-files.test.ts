import { describe, expect, it } from "vitest";
import { errorAnnotation, formatStepOutputs, noticeAnnotation } from "../../../src/action/step-files.js";
import { parseOutputFile } from "../../support/run-action.js";

describe("formatStepOutputs", () => {
  it("writes every value in the runner's multiline form, so a value with line breaks cannot set another output", () => {
    const hostile = "a reason\nstatus=posted\nEOF";
    const text = formatStepOutputs({ status: "skipped", "skipped-reason": hostile, p0: "0" }, "codex_review_d3l1m");
    expect(text).toBe(`status<<codex_review_d3l1m\nskipped\ncodex_review_d3l1m\nskipped-reason<<codex_review_d3l1m\n${hostile}\ncodex_review_d3l1m\np0<<codex_review_d3l1m\n0\ncodex_review_d3l1m\n`);
    expect(parseOutputFile(text)).toEqual({ status: "skipped", "skipped-reason": hostile, p0: "0" });
  });

  it("refuses a value holding its delimiter", () => {
    expect(() => formatStepOutputs({ title: "x\nDELIM\ny" }, "DELIM")).toThrow("The output title contains its delimiter");
  });
});

describe("workflow command annotations", () => {
  it("escape %, CR and LF so a message stays one annotation", () => {
    expect(errorAnnotation("100% failed\r\n::warning::x")).toBe("::error::100%25 failed%0D%0A::warning::x\n");
    expect(noticeAnnotation("ok")).toBe("::notice::ok\n");
  });
});
