/** What a local node could leave on the host: links, mounts, cgroups and processes. */
import { spawnSync } from "child_process";
import * as fs from "fs";

export interface HostFootprint {
  readonly links: string[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly processes: string[];
}

export function hostFootprint(): HostFootprint {
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
    processes: run("pgrep", [
      "-af",
      "kg-rca-node-holder|kubelet|kube-proxy|coredns|containerd|kube-apiserver|etcd|metrics-server|moto",
    ])
      .split("\n")
      .filter((l) => l !== "" && !l.includes("pgrep"))
      .map((l) => l.replace(/^\d+ /, ""))
      .sort(),
  };
}
