import { ZodError } from "zod";
import { httpStatusOf } from "../github/github-client.js";
import { AimlApiError } from "../llm/aimlapi-error.js";
/** Octokit's RequestError, told apart from other errors with a status by its `request`. */
function isGithubError(error) {
    return typeof error === "object" && error !== null && "request" in error && httpStatusOf(error) !== null;
}
/** One line telling the person at the terminal what failed and what to do about it. */
export function explainCliError(error, context) {
    if (error instanceof AimlApiError)
        return error.message;
    if (isGithubError(error)) {
        const status = httpStatusOf(error);
        const pr = context.ref ? `${context.ref.owner}/${context.ref.repo}#${context.ref.pullNumber}` : "the pull request";
        const where = context.githubBaseUrl ?? "GitHub";
        if (status === 401)
            return `GitHub (${where}) refused GITHUB_TOKEN (401): the token is wrong or expired.`;
        if (status === 403)
            return `GitHub (${where}) answered 403 for ${pr}: GITHUB_TOKEN lacks access (pull requests read, and write to post) or hit a rate limit.`;
        if (status === 404)
            return `GitHub (${where}) answered 404 for ${pr}: no such pull request, or GITHUB_TOKEN cannot see the repository.`;
        return `GitHub (${where}) answered ${status} for ${pr}: ${error.message}`;
    }
    if (error instanceof ZodError)
        return `Unexpected reply shape: ${error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`;
    return error instanceof Error ? error.message : String(error);
}
