import { httpStatusOf, type GithubClient } from "./github-client.js";

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A file's text at the default branch (or `ref`); null when it does not exist. */
export async function readRepoFile(client: GithubClient, repo: RepoRef, path: string, ref?: string): Promise<string | null> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.repo,
      path,
      mediaType: { format: "raw" },
      ...(ref ? { ref } : {}),
    });
    return typeof data === "string" ? data : null;
  } catch (error) {
    if (httpStatusOf(error) === 404) return null;
    throw error;
  }
}
