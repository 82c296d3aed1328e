import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { httpStatusOf, type GithubClient } from "../github/github-client.js";
import { downloadArchive, resolveRedirect } from "./download-archive.js";
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
 * or the GHES appliance's own), carrying a short-lived token in the URL. Octokit stops at the redirect and
 * the archive is downloaded by downloadArchive, which honours the extractor's backpressure (fetch does
 * not); our Authorization header never goes to the archive host. The body comes back unparsed, as a stream.
 */
export async function requestTarball(github: GithubClient, request: TarballRequest): Promise<Readable> {
  let response: Awaited<ReturnType<GithubClient["request"]>>;
  try {
    response = await github.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
      owner: request.owner,
      repo: request.repo,
      ref: request.sha,
      request: { redirect: "manual", parseSuccessResponseBody: false, ...(request.signal ? { signal: request.signal } : {}) },
    });
  } catch (error) {
    // Octokit's error keeps the request's URL and headers: only the status goes on, so no log line can
    // hold a token.
    const status = httpStatusOf(error);
    if (status === null) throw error;
    throw refused(status, request);
  }
  const location = response.headers.location;
  if (response.status >= 300 && response.status < 400 && typeof location === "string") {
    await cancelBody(response.data);
    // GitHub's Location is absolute (codeload.github.com, or the GHES appliance's own host); HTTP allows
    // a relative one, resolved against the request's URL (Octokit's response has it, GithubClient does
    // not promise it).
    const requested = (response as { url?: unknown }).url;
    return downloadFromArchiveHost(resolveRedirect(location, typeof requested === "string" ? resolveRedirect(requested) : undefined), request);
  }
  return capped(toReadable(response.data), Number(response.headers["content-length"]), request);
}

async function downloadFromArchiveHost(url: URL, request: TarballRequest): Promise<Readable> {
  // As above: a refusal carries the status only, never the URL and its token.
  const download = await downloadArchive(url, request.signal);
  if (!download.body) throw refused(download.status, request);
  return capped(download.body, download.contentLength ?? Number.NaN, request);
}

function refused(status: number, request: TarballRequest): TarballRequestError {
  return new TarballRequestError(status, `GitHub answered ${status} for the archive of ${request.owner}/${request.repo}@${request.sha.slice(0, 7)}`);
}

function capped(body: Readable, announced: number, request: TarballRequest): Readable {
  if (Number.isFinite(announced) && announced > request.maxBytes) {
    body.destroy();
    throw new SnapshotTooLargeError(`the archive is ${announced} bytes, over ${request.maxBytes}`);
  }
  return body;
}

async function cancelBody(data: unknown): Promise<void> {
  if (typeof data === "object" && data !== null && "cancel" in data && typeof data.cancel === "function") await (data as WebReadableStream).cancel().catch(() => undefined);
}

/** Octokit hands back fetch's web stream when the body is not parsed; a test client may hand back bytes. */
function toReadable(data: unknown): Readable {
  if (data instanceof Readable) return data;
  if (data instanceof ArrayBuffer) return Readable.from([Buffer.from(data)]);
  if (Buffer.isBuffer(data)) return Readable.from([data]);
  if (typeof data === "object" && data !== null && "getReader" in data) return Readable.fromWeb(data as WebReadableStream<Uint8Array>);
  throw new Error("GitHub's tarball reply has no readable body");
}
