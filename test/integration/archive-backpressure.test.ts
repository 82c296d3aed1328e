import { randomBytes } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { GithubClient } from "../../src/github/github-client.js";
import { requestTarball } from "../../src/repository/request-tarball.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";

const OWNER = "octo-org";
const REPO = "vendored";
const SHA = "a".repeat(40);
const ARCHIVE_MB = 8;

let fake: GithubFake;
const sockets: Socket[] = [];
const track = (message: unknown) => sockets.push((message as { socket: Socket }).socket);

beforeEach(async () => {
  fake = await startGithubFake();
  // The archive host streams ARCHIVE_MB MB in 8 KB HTTP chunks without Content-Length, as codeload
  // sends `git archive` output, faster than the slow disk below takes it. Extraction is not under test:
  // the bytes need not be a tarball.
  fake.setArchive(OWNER, REPO, SHA, Array.from({ length: ARCHIVE_MB * 128 }, () => randomBytes(8 * 1024)));
  // Every client socket of this process (the API's and the archive host's): what they read from the
  // kernel and the disk has not taken yet is what the worker holds in memory.
  subscribe("net.client.socket", track);
});

afterEach(async () => {
  unsubscribe("net.client.socket", track);
  sockets.splice(0);
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

it("reads the archive no faster than a slow disk takes it: what the process holds in flight stays bounded", async () => {
  const github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
  const body = await requestTarball(github, { owner: OWNER, repo: REPO, sha: SHA, maxBytes: 64 * 1024 ** 2 });
  let taken = 0;
  let mostInFlight = 0;
  // A disk at about 4 MB/s (a busy volume): each chunk waits 1 ms per 4 KB before the next is asked for.
  const slowDisk = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      const read = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
      mostInFlight = Math.max(mostInFlight, read - taken);
      taken += chunk.length;
      sleep(Math.ceil(chunk.length / 4096)).then(() => done(), done);
    },
  });
  await pipeline(body, slowDisk);
  expect(taken).toBe(ARCHIVE_MB * 1024 ** 2);
  // Socket and stream buffers hold about 140 KB. fetch's body read ahead of the disk: 5.3 MB of these
  // 8 MB were held at once (34 MB of a 100 MB archive in the bench, each resume copying all of it).
  expect(mostInFlight).toBeLessThan(1024 ** 2);
});
