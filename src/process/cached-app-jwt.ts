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

/** JWTs kept at once: one per App and clock correction; more than a few means the correction keeps moving. */
const MAX_SIGNED = 8;

interface Signed {
  /** This clock's time at signing: a clock set back since (an NTP step) makes `until` a time it may not reach for hours. */
  at: number;
  until: number;
  jwt: Promise<{ jwt: string; expiresAt: string }>;
}

/**
 * When GitHub refuses a JWT for its times, auth-app signs one more with `timeDifference` (GitHub's clock
 * minus ours, read from the refusal's `Date` header) but does not keep it: on a clock that is off, every
 * exchange would send a refused JWT first, and the corrected one would take the reused JWT's place. The
 * correction is kept per App here and signs every later JWT, until GitHub refuses one again and auth-app
 * passes a new one.
 */
export function createCachedAppJwt(privateKey: string, now: () => number = () => Date.now()): CreateAppJwt {
  /** By `${appId}:${correction}`, oldest first. */
  const signed = new Map<string, Signed>();
  const corrections = new Map<string, number>();
  return (appId, timeDifference) => {
    if (timeDifference !== undefined) corrections.set(String(appId), timeDifference);
    const correction = corrections.get(String(appId)) ?? 0;
    const key = `${appId}:${correction}`;
    const at = now();
    const cached = signed.get(key);
    if (cached && cached.at <= at && at < cached.until) return cached.jwt;
    const jwt = githubAppJwt({ id: appId, privateKey, now: Math.floor(at / 1000) + correction }).then((result) => ({
      jwt: result.token,
      expiresAt: new Date(result.expiration * 1000).toISOString(),
    }));
    const entry: Signed = { at, until: at + APP_JWT_REUSE_MS, jwt };
    keep(signed, key, entry, at);
    // A key that cannot sign fails this exchange, not every exchange of the next minutes.
    jwt.catch(() => {
      if (signed.get(key) === entry) signed.delete(key);
    });
    return jwt;
  };
}

function keep(signed: Map<string, Signed>, key: string, entry: Signed, at: number): void {
  signed.delete(key);
  for (const [other, { until }] of signed) if (until <= at) signed.delete(other);
  if (signed.size >= MAX_SIGNED) signed.delete(signed.keys().next().value!);
  signed.set(key, entry);
}

const perKey = new Map<string, CreateAppJwt>();

/** One cache per private key in the process, shared by every Octokit Probot builds (see installation-octokit.ts). */
export function sharedCachedAppJwt(privateKey: string): CreateAppJwt {
  let createJwt = perKey.get(privateKey);
  if (!createJwt) perKey.set(privateKey, (createJwt = createCachedAppJwt(privateKey)));
  return createJwt;
}
