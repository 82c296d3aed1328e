import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../../src/config/repo-config.js";
import { configNoticeMarker, renderConfigNotice } from "../../../src/review/render-notices.js";

/** GitHub refuses a comment body over 65,536 characters (422): the notice would fail the job every time. */
const GITHUB_COMMENT_LIMIT = 65_536;

describe("renderConfigNotice", () => {
  it("names each bad key of a small config", () => {
    const { errors } = parseRepoConfig({ max_comments: "lots", favourite_color: "blue" });
    const notice = renderConfigNotice(".github/codex-review.yml", errors);
    expect(notice).toContain("- max_comments: ");
    expect(notice).toContain("- unknown key favourite_color");
    expect(notice.endsWith(configNoticeMarker(".github/codex-review.yml", errors))).toBe(true);
  });

  // A config with hundreds of bad entries yields hundreds of errors (up to 500 characters shown each):
  // the notice must stay a comment GitHub takes, or the job fails on it at every retry.
  it("stays within GitHub's comment limit however many errors a config has", () => {
    const bad = { path: "{a,b}".repeat(7), instructions: 7, ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`unknown_key_number_${i}`, 1])) };
    const { errors } = parseRepoConfig({ path_instructions: Array.from({ length: 50 }, () => bad), paths: { include: Array.from({ length: 100 }, () => 1), exclude: Array.from({ length: 100 }, () => "{a,b}".repeat(7)) } });
    expect(errors.length).toBeGreaterThan(300);
    const notice = renderConfigNotice(".github/codex-review.yml", errors);
    expect(notice.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(notice).toContain(`…and ${errors.length - 20} more`);
    expect(notice.endsWith(configNoticeMarker(".github/codex-review.yml", errors))).toBe(true);
  });
});
