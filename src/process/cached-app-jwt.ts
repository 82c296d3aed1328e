import githubAppJwt from "universal-github-app-jwt";

/**
 * The App's JWT (what a token exchange sends), signed once and sent again for a few minutes.
 * @octokit/auth-app signs a new one for every exchange, and each signing imports the private key
 * again: ~10 ms of CPU per exchange, which a burst of reviews across many installations pays once per
 * installation. GitHub accepts a JWT until its `exp`, at most 10 minutes after its `iat`
 * (universal-github-app-jwt back-dates `iat` 30 s and sets `exp` 10 minutes after that).
 */
export type CreateAppJwt = (appId: string | number, timeDifference?: number) => Promise<{ jwt: string; expiresAt: string }>;

/** Half the JWT's life: a reused JWT still has over 4 minutes left when it is sent. */
export const APP_JWT_REUSE_MS = 5 * 60_000;

interface Signed {
  /** Which App and clock correction it was signed for (auth-app passes the skew it learnt from GitHub's Date header). */
  key: string;
  until: number;
  jwt: Promise<{ jwt: string; expiresAt: string }>;
}

export function createCachedAppJwt(privateKey: string, now: () => number = () => Date.now()): CreateAppJwt {
  let signed: Signed | null = null;
  return (appId, timeDifference = 0) => {
    const key = `${appId}:${timeDifference}`;
    const at = now();
    if (signed && signed.key === key && at < signed.until) return signed.jwt;
    const jwt = githubAppJwt({ id: appId, privateKey, now: Math.floor(at / 1000) + timeDifference }).then((result) => ({
      jwt: result.token,
      expiresAt: new Date(result.expiration * 1000).toISOString(),
    }));
    const entry: Signed = { key, until: at + APP_JWT_REUSE_MS, jwt };
    signed = entry;
    // A key that cannot sign fails this exchange, not every exchange of the next minutes.
    jwt.catch(() => {
      if (signed === entry) signed = null;
    });
    return jwt;
  };
}

const perKey = new Map<string, CreateAppJwt>();

/** One cache per private key in the process, shared by every Octokit Probot builds (see installation-octokit.ts). */
export function sharedCachedAppJwt(privateKey: string): CreateAppJwt {
  let createJwt = perKey.get(privateKey);
  if (!createJwt) perKey.set(privateKey, (createJwt = createCachedAppJwt(privateKey)));
  return createJwt;
}
