import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { httpStatusOf, type GithubClient } from "../github/github-client.js";
import { SnapshotTooLargeError } from "./extract-tarball.js";

/** GitHub refused the archive (404 for a commit it does not have, 5xx); `status` is GitHub's. */
export class TarballRequestError extends Error {
  override readonly name = "TarballRequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TarballRequest {
  owner: string;
  repo: string;
  sha: string;
  /** Refused before any byte is read when GitHub announces a larger body. */
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * `GET /repos/{owner}/{repo}/tarball/{ref}`: GitHub answers 302 to its archive host (codeload.github.com,
 * or the GHES appliance's own), which fetch follows, carrying a short-lived token in the URL (fetch drops
 * our Authorization header on a cross-origin hop). The body comes back unparsed, as a stream.
 */
export async function requestTarball(github: GithubClient, request: TarballRequest): Promise<Readable> {
  let response: Awaited<ReturnType<GithubClient["request"]>>;
  try {
    response = await github.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
      owner: request.owner,
      repo: request.repo,
      ref: request.sha,
      request: { parseSuccessResponseBody: false, ...(request.signal ? { signal: request.signal } : {}) },
    });
  } catch (error) {
    // Octokit's error keeps the final URL, which after the redirect carries the archive host's token:
    // only the status goes on, so no log line can hold it.
    const status = httpStatusOf(error);
    if (status === null) throw error;
    throw new TarballRequestError(status, `GitHub answered ${status} for the archive of ${request.owner}/${request.repo}@${request.sha.slice(0, 7)}`);
  }
  const body = toReadable(response.data);
  const announced = Number(response.headers["content-length"]);
  if (Number.isFinite(announced) && announced > request.maxBytes) {
    body.destroy();
    throw new SnapshotTooLargeError(`the archive is ${announced} bytes, over ${request.maxBytes}`);
  }
  return body;
}

/** Octokit hands back fetch's web stream when the body is not parsed; a test client may hand back bytes. */
function toReadable(data: unknown): Readable {
  if (data instanceof Readable) return data;
  if (data instanceof ArrayBuffer) return Readable.from([Buffer.from(data)]);
  if (Buffer.isBuffer(data)) return Readable.from([data]);
  if (typeof data === "object" && data !== null && "getReader" in data) return Readable.fromWeb(data as WebReadableStream<Uint8Array>);
  throw new Error("GitHub's tarball reply has no readable body");
}
