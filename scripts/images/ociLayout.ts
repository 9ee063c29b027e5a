/**
 * Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…) for one
 * image from its already built layers and its runtime config, so that
 * `ctr images import` gives it the name in `io.containerd.image.name`.
 *
 *   ts-node --transpile-only scripts/images/ociLayout.ts SPEC.json
 *
 * SPEC: { layout, name, created, layers: [{ file, digest, diffId, size, comment }], config }
 * Layer blobs are hard-linked into the layout (copied across file systems).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The runtime part of an OCI image config (the fields the official images set). */
export interface ImageRuntimeConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly WorkingDir?: string;
  readonly StopSignal?: string;
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  readonly Volumes?: Readonly<Record<string, Record<string, never>>>;
  readonly Labels?: Readonly<Record<string, string>>;
}

export interface LayerBlob {
  readonly file: string;
  readonly digest: string;
  readonly diffId: string;
  readonly size: number;
  /** What the layer holds, shown as the history entry. */
  readonly comment: string;
}

export interface LayoutSpec {
  readonly layout: string;
  /** Full reference, e.g. `kg-rca.local/kafka:4.1.2-0123abcd`. */
  readonly name: string;
  /** RFC 3339; fixed so that the same inputs give the same config digest. */
  readonly created: string;
  readonly layers: readonly LayerBlob[];
  readonly config: ImageRuntimeConfig;
}

const mediaTypes = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

/** The tag part of a reference (`kafka:4.1.2-0123abcd` → `4.1.2-0123abcd`). */
export function referenceTag(name: string): string {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon <= slash) {
    throw new Error(`image name "${name}" has no tag: every local image is pinned by tag`);
  }
  return name.slice(colon + 1);
}

/** The image config JSON: runtime config, the layers' diff ids and one history entry per layer. */
export function imageConfig(spec: Pick<LayoutSpec, "created" | "layers" | "config">): object {
  return {
    created: spec.created,
    architecture: "amd64",
    os: "linux",
    config: spec.config,
    rootfs: { type: "layers", diff_ids: spec.layers.map((l) => l.diffId) },
    history: spec.layers.map((l) => ({ created: spec.created, created_by: l.comment })),
  };
}

/** Writes a JSON blob under its digest. */
function writeBlob(blobs: string, content: string): Pick<Descriptor, "digest" | "size"> {
  const hex = crypto.createHash("sha256").update(content).digest("hex");
  fs.writeFileSync(path.join(blobs, hex), content);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
}

function linkBlob(blobs: string, layer: LayerBlob): void {
  const target = path.join(blobs, layer.digest.replace(/^sha256:/, ""));
  if (fs.existsSync(target)) {
    return;
  }
  try {
    fs.linkSync(layer.file, target);
  } catch {
    fs.copyFileSync(layer.file, target);
  }
}

export function writeLayout(spec: LayoutSpec): { manifestDigest: string; configDigest: string } {
  const blobs = path.join(spec.layout, "blobs", "sha256");
  fs.mkdirSync(blobs, { recursive: true });
  for (const layer of spec.layers) {
    const actual = fs.statSync(layer.file).size;
    if (actual !== layer.size) {
      throw new Error(`layer ${layer.file} is ${actual} bytes, its record says ${layer.size}: rebuild it`);
    }
    linkBlob(blobs, layer);
  }
  const config = writeBlob(blobs, JSON.stringify(imageConfig(spec)));
  const manifest = writeBlob(
    blobs,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.manifest,
      config: { mediaType: mediaTypes.config, digest: config.digest, size: config.size },
      layers: spec.layers.map((l) => ({ mediaType: mediaTypes.layer, digest: l.digest, size: l.size })),
    }),
  );
  const index: { schemaVersion: number; mediaType: string; manifests: Descriptor[] } = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [
      {
        mediaType: mediaTypes.manifest,
        digest: manifest.digest,
        size: manifest.size,
        platform: { architecture: "amd64", os: "linux" },
        annotations: {
          "io.containerd.image.name": spec.name,
          "org.opencontainers.image.ref.name": referenceTag(spec.name),
        },
      },
    ],
  };
  fs.writeFileSync(path.join(spec.layout, "index.json"), JSON.stringify(index));
  fs.writeFileSync(path.join(spec.layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return { manifestDigest: manifest.digest, configDigest: config.digest };
}

if (require.main === module) {
  const specFile = process.argv[2];
  if (specFile === undefined) {
    console.error("usage: ociLayout.ts SPEC.json");
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as LayoutSpec;
  const written = writeLayout(spec);
  console.log(JSON.stringify(written));
}
