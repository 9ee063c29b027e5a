import * as fs from "fs";
import * as path from "path";

/**
 * The project's folder: the nearest one above `from` that holds Pulumi.yaml. The program runs from
 * its sources or from a build of them under bin/ (programs/prebuilt.ts), so a fixed number of
 * levels up would not do.
 */
export function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no Pulumi.yaml in ${from} or any folder above it`);
    }
  }
}
