import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

const Kustomization = z.object({
  kind: z.enum(["Kustomization", "Component"]),
  resources: z.array(z.string()).default([]),
  components: z.array(z.string()).default([]),
  patches: z.array(z.object({ path: z.string().optional(), patch: z.string().optional() })).default([]),
});
type Kustomization = z.infer<typeof Kustomization>;

export function readKustomization(dir: string): Kustomization {
  return Kustomization.parse(parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")));
}

const readObjects = (text: string): KubeObject[] =>
  parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);

/** Every file a kustomization (and the kustomizations and components it names) reads. */
export function listKustomizationFiles(dir: string): string[] {
  const kustomization = readKustomization(dir);
  const files = [join(dir, "kustomization.yaml")];
  for (const entry of [...kustomization.resources, ...kustomization.components]) {
    const path = join(dir, entry);
    files.push(...(statSync(path).isDirectory() ? listKustomizationFiles(path) : [path]));
  }
  for (const patch of kustomization.patches) if (patch.path) files.push(join(dir, patch.path));
  return files;
}

/**
 * The objects `kustomize build` would print for `dir` with `components` added, resolved here: resource
 * files and directories, then each component's resources and `$patch: delete` patches (the only kind of
 * patch these manifests use). Without kubectl on the machine this is what the tests check.
 */
export function resolveKustomization(dir: string, components: string[] = []): KubeObject[] {
  const kustomization = readKustomization(dir);
  let objects = kustomization.resources.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? resolveKustomization(path) : readObjects(readFileSync(path, "utf8"));
  });
  for (const component of [...kustomization.components.map((entry) => join(dir, entry)), ...components]) {
    const own = readKustomization(component);
    objects.push(...own.resources.flatMap((entry) => readObjects(readFileSync(join(component, entry), "utf8"))));
    for (const patch of own.patches) {
      const text = patch.patch ?? readFileSync(join(component, patch.path!), "utf8");
      for (const target of readObjects(text)) {
        if (target.$patch !== "delete") throw new Error(`Only $patch: delete is resolved here, found a patch of ${target.kind}`);
        objects = objects.filter((object) => !(object.kind === target.kind && object.metadata.name === target.metadata.name));
      }
    }
  }
  return objects;
}

export const hasKubectl = (): boolean => spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;

/** `kubectl kustomize` of `dir` with `components`, through a throwaway overlay (kustomize wants relative paths). */
export function buildKustomization(dir: string, components: string[] = []): KubeObject[] {
  if (components.length === 0) return readObjects(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" }));
  const overlay = mkdtempSync(join(tmpdir(), "kustomize-overlay-"));
  try {
    const overlayKustomization = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [relative(overlay, dir)],
      components: components.map((component) => relative(overlay, component)),
    };
    writeFileSync(join(overlay, "kustomization.yaml"), JSON.stringify(overlayKustomization));
    return readObjects(execFileSync("kubectl", ["kustomize", overlay], { encoding: "utf8" }));
  } finally {
    rmSync(overlay, { recursive: true, force: true });
  }
}

/** Bytes of a Kubernetes quantity such as `512Mi`, `4Gi` or `300M`. */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`Not a byte quantity: ${quantity}`);
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match[1]) * (match[2] ? units[match[2]]! : 1);
}
