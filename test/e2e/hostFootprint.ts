/** What a local node could leave on the host: links, mounts, cgroups and processes. */
import { spawnSync } from "child_process";
import * as fs from "fs";

export interface HostFootprint {
  readonly links: string[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly processes: string[];
}

/** What is on the host now; `stackDir` is the local stack's folder, which every node process names. */
export function hostFootprint(stackDir: string): HostFootprint {
  const run = (cmd: string, args: string[]): string => spawnSync(cmd, args, { encoding: "utf8" }).stdout;
  const cgroups = fs
    .readdirSync("/sys/fs/cgroup")
    .flatMap((h) => (fs.existsSync(`/sys/fs/cgroup/${h}/kg-rca-node`) ? [`${h}/kg-rca-node`] : []));
  return {
    links: run("ip", ["-o", "link", "show"])
      .split("\n")
      .map((l) => l.split(":")[1]?.trim() ?? "")
      .filter((l) => l !== "")
      .sort(),
    mounts: fs
      .readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4] ?? "")
      .filter((m) => m !== "")
      .sort(),
    cgroups,
    // Only the node's and its S3 server's: the bare-server suites run their own etcd and API server alongside.
    processes: run("ps", ["-eo", "args="])
      .split("\n")
      .filter((l) => l.includes(stackDir) || /kg-rca-node-holder|containerd-shim|moto\.server/.test(l))
      .sort(),
  };
}
