import { parseArgs } from "node:util";
export const USAGE = `Usage:
  codex-review review <owner/repo#number | pull request URL> [--dry-run]
  codex-review review --diff <file.patch> [--title <text>]

Reviews one pull request with the same pipeline as the GitHub App, in this process (no Redis).

Options:
  --dry-run        print the review instead of posting it
  --diff <file>    review a local unified diff (e.g. \`git diff main > change.patch\`); no GitHub needed,
                   the review is printed, never posted
  --title <text>   the change's title the model sees with --diff (default: the file name)
  -h, --help       show this help

Environment: AIMLAPI_KEY (required), GITHUB_TOKEN (required unless --diff), GHE_HOST/GHE_PROTOCOL for
GitHub Enterprise, and the model and review variables of the App (README, Configuration).
Exit codes: 0 review done, 1 error.`;
/** A usage mistake; the CLI prints the message and the usage, and exits 1. */
export class CliUsageError extends Error {
    name = "CliUsageError";
}
const SHORT_REF = /^([\w.-]+)\/([\w.-]+)#(\d+)$/;
const URL_REF = /^https?:\/\/[^/]+\/([\w.-]+)\/([\w.-]+)\/pull\/(\d+)(?:\/(?:files|commits|checks)?)?(?:[?#].*)?$/;
/** `owner/repo#123` or `https://github.com/owner/repo/pull/123`; null when it is neither. */
export function parsePullRequestRef(text) {
    const match = SHORT_REF.exec(text) ?? URL_REF.exec(text);
    if (!match)
        return null;
    const pullNumber = Number(match[3]);
    if (!Number.isSafeInteger(pullNumber) || pullNumber < 1)
        return null;
    return { owner: match[1], repo: match[2], pullNumber };
}
export function parseCliArgs(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            strict: true,
            options: {
                "dry-run": { type: "boolean", default: false },
                diff: { type: "string" },
                title: { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    }
    catch (error) {
        throw new CliUsageError(error.message);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length === 0 || positionals[0] === "help")
        return { kind: "help" };
    const [command, ...rest] = positionals;
    if (command !== "review")
        throw new CliUsageError(`Unknown command "${command}"; the only command is "review".`);
    if (values.diff !== undefined) {
        if (rest.length > 0)
            throw new CliUsageError("Give either a pull request or --diff <file>, not both.");
        if (values.diff.trim() === "")
            throw new CliUsageError("--diff needs a file path.");
        return { kind: "review-diff-file", diffPath: values.diff, title: values.title ?? null };
    }
    if (values.title !== undefined)
        throw new CliUsageError("--title only applies with --diff; a pull request has its own title.");
    if (rest.length !== 1)
        throw new CliUsageError("Give exactly one pull request, e.g. octo-org/hello-world#123.");
    const ref = parsePullRequestRef(rest[0]);
    if (!ref)
        throw new CliUsageError(`"${rest[0]}" is not a pull request; write owner/repo#123 or the pull request's URL.`);
    return { kind: "review-pull-request", ref, dryRun: values["dry-run"] };
}
