/**
 * CPU load inside a running container: a busy loop started in the background by `kubectl exec`,
 * so the exec returns at once and the loop keeps running until stopped (or, should the test die,
 * until its own deadline). The wiring-probe image has node and /bin/sh.
 */
import { NodeCluster } from "./nodeCluster";

const pidFile = "/tmp/e2e-cpu-load.pid";

export class CpuLoad {
  constructor(
    private readonly cluster: NodeCluster,
    private readonly pod: string,
    private readonly container: string,
  ) {}

  /** Starts one busy thread (a core, or the container's CPU limit if lower) for at most `maxMs`. */
  start(maxMs = 15 * 60 * 1000): void {
    const loop = `const end = Date.now() + ${maxMs}; while (Date.now() < end) {}`;
    // Its output must not hold the exec's streams open, or kubectl would wait for the loop to end.
    this.exec(`node -e '${loop}' >/dev/null 2>&1 </dev/null & echo $! > ${pidFile}`);
  }

  stop(): void {
    this.exec(`kill "$(cat ${pidFile})" && rm -f ${pidFile}`);
  }

  private exec(script: string): void {
    this.cluster.kubectl("exec", this.pod, "-c", this.container, "--", "sh", "-c", script);
  }
}
