import { createHmac, randomBytes } from "node:crypto";
import { pullRequestPayload } from "../../test/support/webhook-payloads.js";

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

const REPO = "__bench_repo__";
const SHA = "__bench_sha__";
const NUMBER = 987_654_321;

/**
 * Real-shaped, signed `pull_request.synchronize` deliveries (@octokit/webhooks-examples), each with its
 * own delivery id, repository, PR number and head SHA, so none is a replay, a duplicate job or over a
 * repository's review budget: every delivery takes the whole enqueue path. The payload is serialised once
 * and the varying fields spliced in, so the load generator spends its time on HMAC, not JSON.
 */
export function createDeliveryFactory(secret: string, owner = "bench-org"): () => SignedDelivery {
  const payload = pullRequestPayload("synchronize", { owner, repo: REPO, number: NUMBER, headSha: SHA, installationId: 1 });
  payload.after = SHA;
  const parts = JSON.stringify(payload).split(new RegExp(`(${REPO}|${SHA}|${NUMBER})`));
  const run = randomBytes(4).toString("hex");
  let sequence = 0;
  return () => {
    sequence += 1;
    const sha = createHmac("sha1", run).update(String(sequence)).digest("hex");
    const values: Record<string, string> = { [REPO]: `repo-${run}-${sequence}`, [SHA]: sha, [NUMBER]: String(sequence) };
    const body = parts.map((part) => values[part] ?? part).join("");
    return {
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": "pull_request",
        "x-github-delivery": `${run}-${sequence}`,
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
    };
  };
}
