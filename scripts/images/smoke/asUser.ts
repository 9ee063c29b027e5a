/**
 * A copy of an image whose config runs it as another user, for the smoke
 * test: `ctr run` has no --user, and a pod's runAsUser/runAsGroup is exactly
 * that override. Same layers; new config, manifest and name.
 *
 *   ts-node --transpile-only scripts/images/smoke/asUser.ts LAYOUT_DIR NEW_NAME UID:GID
 *
 * LAYOUT_DIR is an unpacked OCI archive of build.sh; it is rewritten in place.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const [layout, name, user] = process.argv.slice(2);
if (layout === undefined || name === undefined || user === undefined) {
  console.error("usage: asUser.ts LAYOUT_DIR NEW_NAME UID:GID");
  process.exit(2);
}
const blob = (digest: string): string => path.join(layout, "blobs", "sha256", digest.replace(/^sha256:/, ""));
const put = (content: string): { digest: string; size: number } => {
  const hex = crypto.createHash("sha256").update(content).digest("hex");
  fs.writeFileSync(path.join(layout, "blobs", "sha256", hex), content);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
};

const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
const entry = index.manifests[0];
if (entry === undefined) {
  throw new Error(`${layout}/index.json lists no manifest`);
}
const manifest = JSON.parse(fs.readFileSync(blob(entry.digest), "utf8")) as { config: Descriptor };
const config = JSON.parse(fs.readFileSync(blob(manifest.config.digest), "utf8")) as { config: { User?: string } };
config.config.User = user;
manifest.config = { ...manifest.config, ...put(JSON.stringify(config)) };
const written = put(JSON.stringify(manifest));
index.manifests = [
  {
    ...entry,
    ...written,
    annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.replace(/^.*:/, "") },
  },
];
fs.writeFileSync(path.join(layout, "index.json"), JSON.stringify(index));
