import { describe, expect, it } from "vitest";
import { renderSummaryComment } from "../../../src/review/render-summary-comment.js";
import {
  EMPTY_SUMMARY_DATA,
  isSummaryComment,
  MAX_REVIEWS_KEPT,
  parseSummaryData,
  renderSummaryMarker,
  updateSummaryData,
  type SummaryData,
  type SummaryReview,
} from "../../../src/review/summary-data.js";
import { pullFinding } from "../../support/pull-finding.js";

const HEAD = "c".repeat(40);
const files = [
  { path: "src/parse.ts", additions: 12, deletions: 3 },
  { path: "src/lex.ts", additions: 4, deletions: 0 },
  { path: "package-lock.json", additions: 900, deletions: 850 },
];
const review = (sha: string, job: string, usd = 0.0125): SummaryReview => ({ sha, job, mode: "full", usage: { inputTokens: 1_000, outputTokens: 200, usdSpent: usd } });

const first = updateSummaryData(EMPTY_SUMMARY_DATA, {
  review: review("a".repeat(40), "01"),
  walkthrough: [{ paths: ["src/parse.ts", "src/lex.ts"], summary: "Parses hunk headers with missing counts." }],
  pullFiles: files.map((file) => file.path),
});

describe("summary data", () => {
  it("round-trips through the comment's hidden marker", () => {
    const body = renderSummaryComment({ data: first, findings: [], files, headSha: HEAD });
    expect(parseSummaryData(body)).toEqual(first);
  });

  it("reads a tampered, truncated or foreign marker as empty history", () => {
    const marker = renderSummaryMarker(first);
    const forged = Buffer.from(JSON.stringify({ ...first, reviews: [{ ...first.reviews[0], usage: { inputTokens: -5, outputTokens: 0, usdSpent: 1e9 } }] })).toString("base64url");
    for (const body of [
      marker.replace(/data=\S+/, "data=not-base64!"),
      marker.replace(/data=(\S+)/, (_match, data: string) => `data=${data.slice(0, 20)}`),
      `<!-- codex-review:summary data=${forged} -->`,
      "no marker at all",
    ]) {
      expect(parseSummaryData(body)).toEqual(EMPTY_SUMMARY_DATA);
    }
  });

  it("accumulates reviews across heads, keeps a retry's first record, and folds old reviews into the total", () => {
    const again = updateSummaryData(first, { review: review("a".repeat(40), "01", 99), walkthrough: [], pullFiles: files.map((file) => file.path) });
    expect(again.reviews).toEqual(first.reviews);
    let data: SummaryData = first;
    for (let i = 0; i < MAX_REVIEWS_KEPT + 5; i++) data = updateSummaryData(data, { review: review(`${i}`.padStart(40, "b"), `${i + 2}`, 0.01), walkthrough: [], pullFiles: [] });
    expect(data.reviews).toHaveLength(MAX_REVIEWS_KEPT);
    expect(data.earlier.count).toBe(6);
    const body = renderSummaryComment({ data, findings: [], files, headSha: HEAD });
    expect(body).toContain("**Total**: 36 review(s) (26 not listed), 36,000 tokens in / 7,200 out, $0.36.");
  });

  it("lets a later review's summary of a file replace the earlier one and drops files that left the PR", () => {
    const later = updateSummaryData(first, {
      walkthrough: [{ paths: ["src/lex.ts"], summary: "Lexes numbers." }],
      pullFiles: ["src/lex.ts", "src/new.ts"],
    });
    expect(later.walkthrough).toEqual([{ paths: ["src/lex.ts"], summary: "Lexes numbers." }]);
  });
});

describe("renderSummaryComment", () => {
  it("walks through the changes, lists findings by state with links and the fixing commit, and totals the cost", () => {
    const findings = [
      pullFinding({ severity: "P2", title: "Consider a guard" }),
      pullFinding({ severity: "P0", title: "Crash on empty input", path: "src/parse.ts", line: 7 }),
      pullFinding({ severity: "P1", title: "Off by one", state: "fixed", fixedIn: "d".repeat(40) }),
      pullFinding({ severity: "P3", title: "Naming", state: "dismissed" }),
    ];
    const body = renderSummaryComment({ data: first, findings, files, headSha: HEAD });
    expect(body).toContain("- `src/parse.ts`, `src/lex.ts` (+16 −3): Parses hunk headers with missing counts.");
    expect(body).toContain("- Other files: `package-lock.json` (+900 −850)");
    expect(body).toContain("**Open**: 1 P0, 1 P2");
    // The most severe first, linked to its comment.
    expect(body.indexOf("Crash on empty input")).toBeLessThan(body.indexOf("Consider a guard"));
    expect(body).toContain(`[\`src/parse.ts:7\`](${findings[1]!.url})`);
    expect(body).toContain("Off by one (fixed in `ddddddd`)");
    expect(body).toContain("**Dismissed**: 1");
    expect(body).toContain("Of 4 finding(s) raised: 25% fixed, 25% dismissed, 50% still open.");
    expect(body).toContain("| `aaaaaaa` | full | 1,000 / 200 | $0.01 |");
    expect(body.trimEnd().endsWith("-->")).toBe(true);
  });

  it("posts hostile model text and file names inert, and no second marker can be forged", () => {
    const hostilePath = "src/<!-- codex-review:summary data=e30 -->`@team`.ts";
    const data = updateSummaryData(EMPTY_SUMMARY_DATA, {
      review: review("a".repeat(40), "01"),
      walkthrough: [{ paths: [hostilePath], summary: "@admins see #1 <img src=x> [click](https://evil.example) <!-- codex-review:summary data=e30 -->" }],
      pullFiles: [hostilePath],
    });
    const findings = [pullFinding({ title: "@org/team ![pixel](https://evil.example/p.png) <b>bold</b>", path: hostilePath, url: "https://evil.example/)](x" })];
    const body = renderSummaryComment({ data, findings, files: [{ path: hostilePath, additions: 1, deletions: 0 }], headSha: HEAD });
    // Only our own marker, at the end, is an HTML comment; the model's is escaped, the path's sits in code spans.
    expect(body.split("\n").filter((line) => line.startsWith("<!-- codex-review:summary"))).toHaveLength(1);
    expect(body).toContain("&lt;!-- codex-review:summary data=e30 -->");
    expect(isSummaryComment(body)).toBe(true);
    expect(isSummaryComment(`${body}\n\nedited by someone`)).toBe(false);
    expect(body).not.toContain("<img");
    expect(body).not.toContain("<b>");
    expect(body).not.toMatch(/(?<![`\\])@(admins|org)/);
    expect(body).not.toContain("](https://evil.example");
    expect(parseSummaryData(body)).toEqual(data);
  });

  it("stays under GitHub's comment limit with thousands of findings and long paths", () => {
    const longPath = `src/${"deep/".repeat(190)}file.ts`;
    const findings = Array.from({ length: 3_000 }, (_, i) => pullFinding({ path: longPath, title: "x".repeat(600), state: i % 3 === 0 ? "fixed" : "open" }));
    const many = Array.from({ length: 400 }, (_, i) => ({ path: `${longPath}${i}`, additions: 1, deletions: 1 }));
    const data = updateSummaryData(EMPTY_SUMMARY_DATA, {
      review: review("a".repeat(40), "01"),
      walkthrough: Array.from({ length: 100 }, (_, i) => ({ paths: many.slice(i * 4, i * 4 + 4).map((file) => file.path), summary: "y".repeat(900) })),
      pullFiles: many.map((file) => file.path),
    });
    const body = renderSummaryComment({ data, findings, files: many, headSha: HEAD });
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toContain("**Open**: 2000 P1");
    expect(parseSummaryData(body).reviews).toHaveLength(1);
  });
});
