import { httpStatusOf } from "./github-client.js";
/** A file's text at the default branch (or `ref`); null when it does not exist. */
export async function readRepoFile(client, repo, path, ref) {
    try {
        const { data } = await client.request("GET /repos/{owner}/{repo}/contents/{path}", {
            owner: repo.owner,
            repo: repo.repo,
            path,
            mediaType: { format: "raw" },
            ...(ref ? { ref } : {}),
        });
        return typeof data === "string" ? data : null;
    }
    catch (error) {
        if (httpStatusOf(error) === 404)
            return null;
        throw error;
    }
}
