import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { ModelReviewOutput, parseChunkReview, REVIEW_OUTPUT_JSON_SCHEMA } from "../../../src/review/findings-schema.js";

const COMMENT = {
  path: "parse.js",
  line: 5,
  side: "RIGHT",
  start_line: null,
  severity: "P1",
  title: "Splitting on \\r?\\n drops a trailing \\r",
  body: "A lone `\\r` line ending is kept in content.",
  suggestion: "  const lines = input.split(/\\r\\n|\\r|\\n/);",
  quote: "  const lines = input.split(/\\r?\\n/);",
};
const REPLY = { summary: "Parser now accepts CRLF.", comments: [COMMENT] };
const RAW = JSON.stringify(REPLY);

describe("parseChunkReview: where the JSON is", () => {
  it.each<[string, string]>([
    ["raw JSON", RAW],
    ["pretty-printed JSON with whitespace around", `\n  ${JSON.stringify(REPLY, null, 2)}\n`],
    ["a ```json fence", "```json\n" + RAW + "\n```"],
    ["a bare ``` fence inside prose", "Here is my review:\n```\n" + RAW + "\n```\nThanks!"],
    ["prose around it", `Sure. ${RAW} Let me know if you need more.`],
    ["prose with braces before it", `I looked at {the parser} and {lexer}: ${RAW}`],
    ["braces inside strings", JSON.stringify({ ...REPLY, summary: "Uses { and } in \"quotes\"" })],
  ])("finds it in %s", (_, text) => {
    const parsed = parseChunkReview(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.review.findings).toEqual([
      {
        path: "parse.js",
        line: 5,
        side: "RIGHT",
        startLine: null,
        severity: "P1",
        title: COMMENT.title,
        body: COMMENT.body,
        suggestion: COMMENT.suggestion,
        quote: COMMENT.quote,
      },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ["plain prose", "I found no problems.", /no JSON object/],
    ["an empty reply", "", /no JSON object/],
    ["JSON cut short", RAW.slice(0, RAW.length - 20), /no JSON object/],
    ["an array of comments", JSON.stringify([COMMENT]), /unexpected JSON shape/],
    ["an object without comments", JSON.stringify({ summary: "ok" }), /comments/],
    ["a summary that is not a string", JSON.stringify({ summary: 1, comments: [] }), /summary/],
  ])("fails cleanly on %s", (_, text, error) => {
    const parsed = parseChunkReview(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it("never throws, whatever prefix of a reply arrives", () => {
    const text = "Review:\n```json\n" + JSON.stringify(REPLY, null, 2) + "\n```";
    for (let end = 0; end <= text.length; end++) expect(() => parseChunkReview(text.slice(0, end))).not.toThrow();
  });
});

describe("parseChunkReview: comments one by one", () => {
  it("drops invalid comments and keeps the valid ones", () => {
    const comments = [
      COMMENT,
      { ...COMMENT, line: 0 },
      { ...COMMENT, severity: "P9" },
      { ...COMMENT, side: "MIDDLE" },
      { ...COMMENT, title: "   " },
      { ...COMMENT, path: 12 },
      "not an object",
      { ...COMMENT, line: 7.5 },
      { ...COMMENT, line: 9, title: "Second" },
    ];
    const parsed = parseChunkReview(JSON.stringify({ summary: "s", comments }));
    expect(parsed.ok && parsed.review.findings.map((finding) => [finding.line, finding.title])).toEqual([
      [5, COMMENT.title],
      [9, "Second"],
    ]);
  });

  it("accepts what plain-text mode gets slightly wrong: case, missing nullable fields, a zero start_line", () => {
    const loose = { path: "./a.ts", line: 3, side: "right", severity: "p2", title: "T", body: "B", start_line: 0 };
    const parsed = parseChunkReview(JSON.stringify({ summary: "s", comments: [loose] }));
    expect(parsed.ok && parsed.review.findings[0]).toEqual({
      path: "a.ts",
      line: 3,
      side: "RIGHT",
      startLine: null,
      severity: "P2",
      title: "T",
      body: "B",
      suggestion: null,
      quote: null,
    });
  });

  it.each<[string, string]>([
    ["```suggestion\nfoo();\n```", "foo();"],
    ["```ts\nfoo();\nbar();\n```\n", "foo();\nbar();"],
    ["foo();\n", "foo();"],
    ["", ""],
  ])("unwraps the suggestion %j to %j", (suggestion, expected) => {
    const parsed = parseChunkReview(JSON.stringify({ summary: "", comments: [{ ...COMMENT, suggestion }] }));
    expect(parsed.ok && parsed.review.findings[0]!.suggestion).toBe(expected);
  });
});

describe("REVIEW_OUTPUT_JSON_SCHEMA", () => {
  const validate = new Ajv({ strict: true }).compile(REVIEW_OUTPUT_JSON_SCHEMA);

  it("meets strict mode: every object closed, every property required", () => {
    const objects: Array<Record<string, unknown>> = [];
    const walk = (node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.type === "object") objects.push(record);
      Object.values(record).forEach(walk);
    };
    walk(REVIEW_OUTPUT_JSON_SCHEMA);
    expect(objects).toHaveLength(2);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect([...(object.required as string[])].sort()).toEqual(Object.keys(object.properties as object).sort());
    }
  });

  it.each<[string, unknown, boolean]>([
    ["a full reply", REPLY, true],
    ["a range with no suggestion or quote", { summary: "", comments: [{ ...COMMENT, start_line: 3, suggestion: null, quote: null }] }, true],
    ["no comments", { summary: "clean", comments: [] }, true],
    ["a missing nullable field", { summary: "", comments: [{ ...COMMENT, quote: undefined }] }, false],
    ["an extra property", { summary: "", comments: [{ ...COMMENT, confidence: 0.9 }] }, false],
    ["a bad severity", { summary: "", comments: [{ ...COMMENT, severity: "high" }] }, false],
    ["a fractional line", { summary: "", comments: [{ ...COMMENT, line: 1.5 }] }, false],
  ])("agrees with the zod schema on %s", (_, value, valid) => {
    const json = JSON.parse(JSON.stringify(value)) as unknown;
    expect(validate(json)).toBe(valid);
    // zod is laxer only where plain-text mode needs it (absent nullable fields).
    if (valid) expect(ModelReviewOutput.safeParse(json).success).toBe(true);
  });
});
