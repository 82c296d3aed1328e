import { describe, expect, it } from "vitest";
import { renderComment, renderInline, renderProse, renderReviewBody, type ReviewBodyInput } from "../../../src/review/render-review.js";
import { parseReviewMarker as readMarker, renderReviewMarker } from "../../../src/review/review-marker.js";

const reviewMarker = (sha: string) => renderReviewMarker({ headSha: sha, job: "job1", fingerprints: [] });
const parseReviewMarker = (body: string | null | undefined) => readMarker(body)?.headSha.toLowerCase() ?? null;
import type { Finding } from "../../../src/review/types.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  path: "src/app.ts",
  line: 10,
  side: "RIGHT",
  startLine: null,
  severity: "P1",
  title: "Unchecked null",
  body: "`user` may be null here.",
  suggestion: null,
  quote: null,
  ...overrides,
});

const bodyInput = (overrides: Partial<ReviewBodyInput> = {}): ReviewBodyInput => ({
  summaries: ["Adds a login flow."],
  unanchored: [],
  commentCount: 2,
  skippedFiles: [],
  failedChunks: [],
  usage: { inputTokens: 12_345, outputTokens: 678, usdSpent: 0.0421 },
  headSha: SHA,
  model: "gpt-5.1-codex",
  marker: reviewMarker(overrides.headSha ?? SHA),
  ...overrides,
});

describe("renderProse: model text made safe to post", () => {
  it.each<[string, string]>([
    ["cc @octocat", "cc `@octocat`"],
    ["@octocat: see above", "`@octocat`: see above"],
    ["ask @acme/security-team", "ask `@acme/security-team`"],
    ["(@a-b) and\n@c", "(`@a-b`) and\n`@c`"],
    ["mail dev@example.com", "mail dev@example.com"],
    ["`@Injectable()` stays code", "`@Injectable()` stays code"],
    ["```ts\n@Component({})\nclass A {}\n```", "```ts\n@Component({})\nclass A {}\n```"],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"],
    ["</details><!-- hidden -->", "&lt;/details>&lt;!-- hidden -->"],
    ["a < b and List<String>", "a < b and List&lt;String>"],
    ["`<div>` in code", "`<div>` in code"],
  ])("%j -> %j", (input, expected) => {
    expect(renderProse(input)).toBe(expected);
  });

  it("closes a fence the model left open, so it cannot swallow what follows", () => {
    expect(renderProse("Try:\n```js\nfoo()")).toBe("Try:\n```js\nfoo()\n```");
  });

  it("keeps a title on one line", () => {
    expect(renderInline("Bad\n\n# heading @bob")).toBe("Bad # heading `@bob`");
  });
});

describe("renderComment", () => {
  it("shows the severity badge, title and body", () => {
    const text = renderComment(finding({ severity: "P0" }), { side: "RIGHT", line: 10 });
    expect(text).toMatch(/^\*\*P0\*\* · must fix · \*\*Unchecked null\*\*\n\n`user` may be null here\.$/);
  });

  it.each<[string, Partial<Finding>, { side: "LEFT" | "RIGHT"; line: number; start_line?: number; quoteMatches?: boolean }, boolean]>([
    ["one line on RIGHT", {}, { side: "RIGHT", line: 10, quoteMatches: true }, true],
    ["a range on RIGHT, kept", { startLine: 8 }, { side: "RIGHT", line: 10, start_line: 8, quoteMatches: true }, true],
    ["a range moved whole", { startLine: 8 }, { side: "RIGHT", line: 13, start_line: 11, quoteMatches: true }, true],
    ["a range clamped shorter", { startLine: 5 }, { side: "RIGHT", line: 10, start_line: 8, quoteMatches: true }, false],
    ["a range whose start was dropped", { startLine: 8 }, { side: "RIGHT", line: 10, quoteMatches: true }, false],
    ["a reversed range", { startLine: 12 }, { side: "RIGHT", line: 10, quoteMatches: true }, false],
    ["on LEFT", {}, { side: "LEFT", line: 10, quoteMatches: true }, false],
    ["a quote that does not match the line", {}, { side: "RIGHT", line: 10, quoteMatches: false }, false],
    ["no word on the quote", {}, { side: "RIGHT", line: 10 }, false],
  ])("%s: suggestion block = %s", (_, overrides, placement, applicable) => {
    const text = renderComment(finding({ suggestion: "if (!user) return;", ...overrides }), placement);
    expect(text.includes("```suggestion\nif (!user) return;\n```")).toBe(applicable);
    expect(text).toContain(applicable ? "```suggestion" : "Suggested change:\n\n```\nif (!user) return;\n```");
  });

  it("fences a suggestion that itself contains backticks with a longer fence", () => {
    const text = renderComment(finding({ suggestion: "const s = ```x```;" }), { side: "RIGHT", line: 10, quoteMatches: true });
    expect(text).toContain("````suggestion\nconst s = ```x```;\n````");
  });

  it("neutralises mentions and HTML in title and body but not in the suggestion", () => {
    const text = renderComment(
      finding({ title: "Ping @admin", body: "<script>x</script> cc @org/team", suggestion: "@Decorator()\nfoo(); // @bob" }),
      { side: "RIGHT", line: 10, quoteMatches: true },
    );
    expect(text).not.toMatch(/(^|[^`])@(admin|org\/team)/);
    expect(text).not.toContain("<script>");
    expect(text).toContain("```suggestion\n@Decorator()\nfoo(); // @bob\n```");
  });
});

describe("review marker", () => {
  it.each([SHA, "abcdef1", SHA.toUpperCase()])("round-trips %s", (sha) => {
    expect(parseReviewMarker(`Review text\n\n${reviewMarker(sha)}`)).toBe(sha.toLowerCase());
    expect(parseReviewMarker(renderReviewBody(bodyInput({ headSha: sha })))).toBe(sha.toLowerCase());
  });

  it.each(["", "no marker", "<!-- codex-review:v1 head=xyz job=1 -->", "<!-- codex-review:v1 head= job=1 -->", "<!-- codex-review:v1 head=abc1234 -->", null, undefined])("reads none from %j", (body) => {
    expect(parseReviewMarker(body)).toBeNull();
  });

  it("cannot be forged by model text in the body", () => {
    const forged = `<!-- codex-review:v1 head=${"f".repeat(40)} job=forged -->`;
    const body = renderReviewBody(bodyInput({ summaries: [forged], unanchored: [finding({ body: forged })] }));
    expect(body.match(/<!-- codex-review:/g)).toHaveLength(1);
    expect(parseReviewMarker(body)).toBe(SHA);
  });

  it("ends the body with the caller's marker", () => {
    const body = renderReviewBody(bodyInput({ marker: "<!-- codex-review:v1 head=abc1234 job=1 -->" }));
    expect(body.endsWith("<!-- codex-review:v1 head=abc1234 job=1 -->")).toBe(true);
    expect(parseReviewMarker(body)).toBe("abc1234");
  });
});

describe("renderReviewBody", () => {
  it("gives a clean PR a short 'No issues found' body", () => {
    const body = renderReviewBody(bodyInput({ commentCount: 0, summaries: ["Long summary that is not needed."] }));
    expect(body).toContain("No issues found");
    expect(body).not.toContain("Long summary");
    expect(body.length).toBeLessThan(300);
  });

  it("shows the summary, tokens, cost, model and commit", () => {
    const body = renderReviewBody(bodyInput());
    expect(body).toContain("Adds a login flow.");
    expect(body).toContain("12,345 tokens in / 678 out");
    expect(body).toContain("$0.04");
    expect(body).toContain("gpt-5.1-codex");
    expect(body).toContain("0123456");
    expect(body).not.toContain("No issues found");
  });

  it("lists several chunk summaries as bullets", () => {
    expect(renderReviewBody(bodyInput({ summaries: ["First part.", "", "Second part."] }))).toContain("- First part.\n- Second part.");
  });

  it("groups findings outside the diff under their file", () => {
    const body = renderReviewBody(
      bodyInput({
        commentCount: 0,
        unanchored: [
          finding({ path: "a.ts", line: 3, title: "First in a" }),
          finding({ path: "b.ts", line: 7, severity: "P3", title: "Only in b" }),
          finding({ path: "a.ts", line: 40, title: "Second in a" }),
        ],
      }),
    );
    expect(body).toContain("Findings outside the diff");
    expect(body.match(/^`a\.ts`$/gm)).toHaveLength(1);
    const a = body.indexOf("`a.ts`\n");
    expect(body.indexOf("`a.ts:3`")).toBeGreaterThan(a);
    expect(body.indexOf("`a.ts:40`")).toBeGreaterThan(body.indexOf("`a.ts:3`"));
    expect(body.indexOf("`a.ts:40`")).toBeLessThan(body.indexOf("`b.ts`\n"));
    expect(body).toContain("`b.ts:7` **P3** · nit · **Only in b**");
    expect(body).not.toContain("No issues found");
  });

  it("says what was not reviewed and why", () => {
    const body = renderReviewBody(
      bodyInput({
        commentCount: 0,
        skippedFiles: [{ path: "package-lock.json", reason: "lockfile" }],
        failedChunks: [{ paths: ["src/x.ts", "src/y.ts"], reason: "HTTP 500 from the model API" }],
      }),
    );
    expect(body).toContain("No issues found** in the files that were reviewed");
    expect(body).toContain("- `package-lock.json`: lockfile");
    expect(body).toContain("- `src/x.ts`, `src/y.ts`: the model call failed (HTTP 500 from the model API)");
  });

  it("stays under GitHub's body limit however many findings there are", () => {
    const many = Array.from({ length: 5_000 }, (_, i) => finding({ path: `src/f${i % 50}.ts`, line: i + 1, body: "x".repeat(400) }));
    const body = renderReviewBody(bodyInput({ unanchored: many }));
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/…and \d+ more not shown/);
    expect(parseReviewMarker(body)).toBe(SHA);
  });
});
