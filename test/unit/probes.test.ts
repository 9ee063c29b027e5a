import { strict as assert } from "assert";

import { startupProbePeriodSeconds } from "../../components/shared/probes";
import { podSpecOf } from "../../policies/kubernetesPods";
import { Props } from "../../policies/policyTypes";
import { synthesize } from "./helpers/synthesize";

interface ProbedContainer {
  readonly name: string;
  readonly startupProbe?: Props;
  readonly readinessProbe?: Props;
  readonly livenessProbe?: Props;
}

const checkOf = (probe: Props | undefined): Props => ({
  tcpSocket: probe?.tcpSocket,
  httpGet: probe?.httpGet,
  exec: probe?.exec,
});

describe("startup probes: a serving pod is Ready within seconds of serving", () => {
  for (const [stack, overrides] of [
    ["prod", {}],
    ["local", { maintenanceMode: "true" }],
  ] as const) {
    it(`every serving container of the ${stack} stack${stack === "local" ? " in maintenance" : ""} has one, every ${startupProbePeriodSeconds} s, with its readiness check`, async () => {
      const run = await synthesize(stack, overrides);
      const serving = run.resources.flatMap((r) =>
        ((podSpecOf(r.type, r.inputs as Props)?.containers ?? []) as ProbedContainer[])
          .filter((c) => c.readinessProbe !== undefined)
          .map((c) => [`${r.name}/${c.name}`, c] as const),
      );
      // Kafka, Neo4j, PostgreSQL, graph-builder, kg-api and, in maintenance, the page.
      assert.ok(serving.length >= 5, serving.map(([name]) => name).join(", "));
      for (const [name, container] of serving) {
        const startup = container.startupProbe;
        assert.ok(startup !== undefined, `${name} has no startup probe`);
        assert.equal(startup.periodSeconds, startupProbePeriodSeconds, name);
        assert.deepEqual(checkOf(startup), checkOf(container.readinessProbe), `${name}: the readiness check`);
        // Slow first starts (a volume's recovery, a schema) still get minutes before a restart.
        assert.ok(Number(startup.failureThreshold) * startupProbePeriodSeconds >= 60, name);
        assert.equal(
          container.livenessProbe?.initialDelaySeconds,
          undefined,
          `${name}: the startup probe holds liveness`,
        );
      }
    });
  }
});
