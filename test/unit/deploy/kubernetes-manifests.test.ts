import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { QueueKeys } from "bullmq";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppEnv } from "../../../src/config/env.js";
import { startMetricsServer } from "../../../src/ops/metrics-server.js";
import { SHUTDOWN_HARD_EXIT_MARGIN_MS } from "../../../src/process/on-shutdown.js";
import { buildKustomization, hasKubectl, listKustomizationFiles, quantityBytes, resolveKustomization, type KubeObject } from "../../support/kustomize.js";

const root = fileURLToPath(new URL("../../../deploy/kubernetes", import.meta.url));
const component = (name: string) => join(root, "components", name);
const kubectl = hasKubectl();

/** Each kind the manifests may use, by apiVersion and kind; anything else fails the test. */
const MODELS: Record<string, new (object: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

const VARIANTS: Array<[string, string[]]> = [
  ["base", []],
  ["base + in-cluster Redis", [component("redis")]],
  ["base + CPU autoscaling instead of KEDA", [component("cpu-autoscaling")]],
  ["base without ServiceMonitor", [component("no-service-monitor")]],
];

/** What kustomize prints: kubectl's own build when it is installed, our resolution of the files otherwise. */
const objectsOf = (components: string[]) => (kubectl ? buildKustomization(root, components) : resolveKustomization(root, components));
const base = objectsOf([]);
const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`No ${kind} ${name}`);
  return found;
};
const configMap = find(base, "ConfigMap", "codex-review");
const env = AppEnv.parse(configMap.data);
const defaults = AppEnv.parse({});
const web = find(base, "Deployment", "codex-review-web");
const worker = find(base, "Deployment", "codex-review-worker");
const containerOf = (deployment: KubeObject) => deployment.spec.template.spec.containers[0];
const portNumber = (container: KubeObject, port: string | number) =>
  typeof port === "number" ? port : container.ports.find((entry: { name: string }) => entry.name === port)?.containerPort;

describe.each(VARIANTS)("deploy/kubernetes, %s", (_name, components) => {
  const objects = objectsOf(components);

  it("validates every object against its Kubernetes, KEDA or prometheus-operator schema", () => {
    expect(objects.length).toBeGreaterThan(5);
    // Secrets are created apart (deploy/kubernetes/README.md), so an apply never overwrites them with placeholders.
    expect(objects.filter((object) => object.kind === "Secret")).toEqual([]);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model) throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema to check it against`);
      expect(() => new Model(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it.runIf(kubectl)("holds the same objects kubectl kustomize builds and our file resolution reads", () => {
    const ids = (list: KubeObject[]) => list.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    expect(ids(objects)).toEqual(ids(resolveKustomization(root, components)));
  });

  it("selects the pods of a workload with every Service, PodDisruptionBudget and autoscaler", () => {
    const workloads = objects.filter((object) => ["Deployment", "StatefulSet"].includes(object.kind));
    const selects = (selector: Record<string, string>) =>
      workloads.some((workload) => Object.entries(selector).every(([key, value]) => workload.spec.template.metadata.labels[key] === value));
    for (const service of objects.filter((object) => object.kind === "Service")) expect(selects(service.spec.selector), service.metadata.name).toBe(true);
    for (const pdb of objects.filter((object) => object.kind === "PodDisruptionBudget")) expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    for (const scaler of objects.filter((object) => ["ScaledObject", "HorizontalPodAutoscaler"].includes(object.kind))) {
      expect(scaler.spec.scaleTargetRef.name).toBe(worker.metadata.name);
    }
    expect(objects.filter((object) => ["ScaledObject", "HorizontalPodAutoscaler"].includes(object.kind))).toHaveLength(1);
  });
});

describe("deploy/kubernetes files", () => {
  it("lists every YAML file of the folder in a kustomization or component", () => {
    const listed = new Set([root, ...VARIANTS.flatMap(([, components]) => components)].flatMap((dir) => listKustomizationFiles(dir)));
    const onDisk = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => /\.ya?ml$/.test(file));
    expect(onDisk.filter((file) => !listed.has(join(root, file))).map((file) => relative(root, join(root, file)))).toEqual([]);
  });
});

describe("the ConfigMap", () => {
  it("holds only variables src/config/env.ts reads, each valid, and no secret", () => {
    const known = Object.keys(AppEnv.shape);
    expect(Object.keys(configMap.data).filter((key) => !known.includes(key))).toEqual([]);
    for (const secret of ["PRIVATE_KEY", "WEBHOOK_SECRET", "AIMLAPI_KEY", "REDIS_URL", "DASHBOARD_PASSWORD", "GITHUB_TOKEN"]) {
      expect(configMap.data).not.toHaveProperty(secret);
    }
    expect(AppEnv.safeParse(configMap.data).success).toBe(true);
  });

  it("keeps the app's defaults for the queue and worker settings the other manifests depend on", () => {
    expect(env.QUEUE_NAME).toBe(defaults.QUEUE_NAME);
    expect(env.WORKER_SHUTDOWN_GRACE_MS).toBe(defaults.WORKER_SHUTDOWN_GRACE_MS);
    expect(env.WORKER_CONCURRENCY).toBe(defaults.WORKER_CONCURRENCY);
    expect(env.PORT).toBe(defaults.PORT);
  });

  it("gives both Deployments the ConfigMap and the codex-review Secret", () => {
    for (const deployment of [web, worker]) {
      expect(containerOf(deployment).envFrom).toEqual([{ configMapRef: { name: "codex-review" } }, { secretRef: { name: "codex-review" } }]);
    }
  });
});

describe("shutdown, probes and resources", () => {
  it("gives workers a grace period covering WORKER_SHUTDOWN_GRACE_MS plus the hard-exit margin", () => {
    const needed = (graceMs: number) => Math.ceil((graceMs + SHUTDOWN_HARD_EXIT_MARGIN_MS) / 1000);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(needed(env.WORKER_SHUTDOWN_GRACE_MS));
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(needed(defaults.WORKER_SHUTDOWN_GRACE_MS));
  });

  it("probes the web server's PORT and the worker's METRICS_PORT", () => {
    const webContainer = containerOf(web);
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      expect(portNumber(webContainer, webContainer[probe].httpGet.port)).toBe(env.PORT);
    }
    const workerContainer = containerOf(worker);
    const metricsPort = AppEnv.parse({ ...configMap.data, METRICS_PORT: workerContainer.env.find((e: { name: string }) => e.name === "METRICS_PORT")?.value }).METRICS_PORT;
    expect(metricsPort).toBeDefined();
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      expect(portNumber(workerContainer, workerContainer[probe].httpGet.port)).toBe(metricsPort);
    }
    expect(webContainer.command).toEqual(["node", "dist/web.js"]);
    expect(workerContainer.command).toEqual(["node", "dist/worker.js"]);
  });

  describe("probe paths, against the app's own health server", () => {
    let server: Awaited<ReturnType<typeof startMetricsServer>>;
    let url: string;
    beforeAll(async () => {
      const redis = { status: "ready", ping: async () => "PONG" };
      server = await startMetricsServer({ port: 0, host: "127.0.0.1", registry: new Registry(), readiness: { redis }, log: pino({ level: "silent" }) });
      const address = server.address();
      url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each(["web", "worker"])("every %s probe path answers 200", async (name) => {
      const container = containerOf(name === "web" ? web : worker);
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const response = await fetch(`${url}${container[probe].httpGet.path}`);
        expect(response.status, `${probe} ${container[probe].httpGet.path}`).toBe(200);
      }
      expect(container.livenessProbe.httpGet.path).toBe("/healthz");
      expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    });
  });

  it("runs app containers as the image's non-root user with a read-only root filesystem", () => {
    expect(readFileSync(fileURLToPath(new URL("../../../Dockerfile", import.meta.url)), "utf8")).toMatch(/^USER node$/m);
    const objects = objectsOf([component("redis")]);
    for (const workload of objects.filter((object) => ["Deployment", "StatefulSet"].includes(object.kind))) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, workload.metadata.name).toBe(true);
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      // node:20-slim's `node` user.
      if (workload.kind === "Deployment") expect(pod.securityContext.runAsUser).toBe(1000);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      }
    }
  });

  it("puts REPO_CACHE_DIR on an emptyDir big enough for the cache and one more snapshot", () => {
    const container = containerOf(worker);
    const mount = container.volumeMounts.find((entry: { mountPath: string }) => env.REPO_CACHE_DIR.startsWith(`${entry.mountPath}/`));
    expect(mount, "REPO_CACHE_DIR is on the read-only root filesystem").toBeDefined();
    const volume = worker.spec.template.spec.volumes.find((entry: { name: string }) => entry.name === mount.name);
    expect(quantityBytes(volume.emptyDir.sizeLimit)).toBeGreaterThanOrEqual(env.REPO_CACHE_MAX_BYTES + env.REPO_SNAPSHOT_MAX_BYTES);
  });

  it("sets worker memory above the measured peak (under 300 MB) and requests CPU for the HPA alternative", () => {
    const { resources } = containerOf(worker);
    expect(quantityBytes(resources.limits.memory)).toBeGreaterThanOrEqual(300e6);
    expect(quantityBytes(resources.requests.memory)).toBeLessThanOrEqual(quantityBytes(resources.limits.memory));
    expect(resources.requests.cpu).toBeDefined();
  });
});

describe("queue-driven autoscaling", () => {
  const scaledObject = find(base, "ScaledObject", "codex-review-worker");
  // Our queues use BullMQ's default key prefix (src/queue/review-queue.ts sets none).
  const keys = new QueueKeys();

  it("scales on BullMQ's wait and active lists of the review queue, one worker per WORKER_CONCURRENCY jobs", () => {
    const triggers = scaledObject.spec.triggers;
    expect(triggers.map((trigger: { metadata: { listName: string } }) => trigger.metadata.listName)).toEqual([
      keys.toKey(defaults.QUEUE_NAME, "wait"),
      keys.toKey(defaults.QUEUE_NAME, "active"),
    ]);
    for (const trigger of triggers) {
      expect(trigger.type).toBe("redis");
      expect(Number(trigger.metadata.listLength)).toBe(env.WORKER_CONCURRENCY);
      expect(find(base, "TriggerAuthentication", trigger.authenticationRef.name)).toBeDefined();
    }
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });

  it("scrapes /metrics through a port named on both the web and the worker Service", () => {
    const monitor = find(base, "ServiceMonitor", "codex-review");
    const [endpoint] = monitor.spec.endpoints;
    expect(endpoint.path).toBe("/metrics");
    for (const name of ["codex-review-web", "codex-review-worker"]) {
      const service = find(base, "Service", name);
      expect(Object.entries(monitor.spec.selector.matchLabels).every(([key, value]) => service.metadata.labels?.[key] === value)).toBe(true);
      const port = service.spec.ports.find((entry: { name: string }) => entry.name === endpoint.port);
      const container = containerOf(name === "codex-review-web" ? web : worker);
      expect(portNumber(container, port.targetPort), name).toBe(name === "codex-review-web" ? env.PORT : 9464);
    }
  });
});
