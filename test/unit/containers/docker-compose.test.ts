import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

const Service = z.object({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.array(z.string()).optional(),
  env_file: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  container_name: z.string().optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});
const Compose = z.object({
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.unknown().nullable()),
});

// Docker Compose reads YAML merge keys (`<<: *app`); the `yaml` package needs them switched on.
const compose = Compose.parse(parse(readFileSync(root("docker-compose.yml"), "utf8"), { merge: true }));
const { redis, web, worker } = compose.services;

describe("docker-compose.yml", () => {
  it("has exactly redis, web and worker", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["redis", "web", "worker"]);
  });

  it("runs Redis 7 with append-only persistence on a named volume", () => {
    expect(redis!.image).toBe("redis:7");
    expect(redis!.command?.join(" ")).toMatch(/--appendonly yes/);
    const [volume] = redis!.volumes ?? [];
    const [name, mountPoint] = volume!.split(":");
    expect(mountPoint).toBe("/data");
    expect(Object.keys(compose.volumes)).toContain(name);
    expect(redis!.healthcheck?.test).toContain("ping");
  });

  it.each([
    ["web", "dist/web.js"],
    ["worker", "dist/worker.js"],
  ])("%s runs %s from the one image, with .env and the compose Redis, after Redis is healthy", (name, entry) => {
    const service = compose.services[name]!;
    expect(service.build).toBe(".");
    expect(service.image).toBe(web!.image);
    expect(service.command).toEqual(["node", entry]);
    expect(service.env_file).toBe(".env");
    expect(service.environment?.REDIS_URL).toBe("redis://redis:6379");
    expect(service.environment?.HOST).toBe("0.0.0.0");
    expect(service.depends_on?.redis?.condition).toBe("service_healthy");
    // The entry point the container runs is compiled from a source file that exists.
    expect(existsSync(root(entry.replace(/^dist\//, "src/").replace(/\.js$/, ".ts")))).toBe(true);
  });

  it("publishes the web port and keeps workers scalable (no host port, no fixed container name)", () => {
    expect(web!.ports).toEqual(["3000:3000"]);
    expect(worker!.ports).toBeUndefined();
    expect(worker!.container_name).toBeUndefined();
    expect(web!.container_name).toBeUndefined();
  });

  it("gives the worker a metrics port and a health probe on it", () => {
    const port = worker!.environment?.METRICS_PORT;
    expect(port).toMatch(/^\d+$/);
    expect(worker!.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${port}/healthz`);
  });
});
