import { parse as parseYaml } from "yaml";
import { parseRepoConfig, REPO_CONFIG_PATH } from "../config/repo-config.js";
import { readRepoFile } from "./repo-files.js";
/**
 * `.github/codex-review.yml` from the repository, else from the owner's `.github` repository (the
 * lookup Probot's `context.config` does). A file that does not parse or validate yields the defaults
 * plus the errors to report.
 */
export async function loadRepoConfig(client, repo) {
    const places = [repo, ...(repo.repo === ".github" ? [] : [{ owner: repo.owner, repo: ".github" }])];
    for (const place of places) {
        const text = await readRepoFile(client, place, REPO_CONFIG_PATH);
        if (text === null)
            continue;
        const source = `${place.owner}/${place.repo}:${REPO_CONFIG_PATH}`;
        let raw;
        try {
            raw = parseYaml(text) ?? {};
        }
        catch (error) {
            return { ...parseRepoConfig(null), errors: [`not valid YAML: ${error.message.split("\n")[0]}`], source };
        }
        return { ...parseRepoConfig(raw), source };
    }
    return { ...parseRepoConfig(null), source: null };
}
/** The "Code Review" section of AGENTS.md (guidelines a repository keeps for coding agents), or null. */
export async function loadReviewGuidelines(client, repo) {
    const text = await readRepoFile(client, repo, "AGENTS.md");
    return text === null ? null : extractReviewSection(text);
}
/** The body of the first Markdown heading that names code review, up to the next heading of its level or higher. Pure. */
export function extractReviewSection(markdown) {
    const lines = markdown.split(/\r?\n/);
    const start = lines.findIndex((line) => /^#{1,6}\s+.*\b(code\s+)?review\b/i.test(line));
    if (start === -1)
        return null;
    const level = /^(#+)/.exec(lines[start])[1].length;
    const end = lines.findIndex((line, index) => index > start && /^(#+)\s/.test(line) && /^(#+)/.exec(line)[1].length <= level);
    const body = lines.slice(start + 1, end === -1 ? undefined : end).join("\n").trim();
    return body ? body.slice(0, 4_000) : null;
}
