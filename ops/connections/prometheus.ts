import { StackConfig } from "../../config/types";
import { httpGet } from "./http";
import { connectionVariables, Environment } from "./variables";

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Prometheus {
  readonly url: string;
  /** An instant query at the present time: one sample per series. */
  query(promql: string): Promise<Sample[]>;
}

interface QueryResponse {
  readonly status: "success" | "error";
  readonly error?: string;
  readonly data?: {
    readonly resultType: string;
    readonly result: { metric: Record<string, string>; value: [number, string] }[];
  };
}

/** The Prometheus of the stack (KG_RCA_PROMETHEUS_URL overrides kg-rca-server:opsPrometheusUrl). */
export function prometheusUrl(config: StackConfig, env: Environment): string {
  const override = env[connectionVariables.prometheusUrl];
  return override === undefined || override === "" ? config.ops.prometheusUrl : override;
}

export function prometheus(url: string, timeoutMs: number): Prometheus {
  return {
    url,
    query: async (promql) => {
      const target = new URL("api/v1/query", url.endsWith("/") ? url : `${url}/`);
      target.searchParams.set("query", promql);
      let response;
      try {
        response = await httpGet(target, { timeoutMs });
      } catch (err) {
        throw new Error(`cannot reach Prometheus at ${url}: ${(err as Error).message}`);
      }
      let parsed: QueryResponse;
      try {
        parsed = JSON.parse(response.body) as QueryResponse;
      } catch {
        throw new Error(`Prometheus at ${url} answered ${response.status} with a body that is not JSON`);
      }
      if (parsed.status !== "success" || parsed.data?.resultType !== "vector") {
        throw new Error(`Prometheus at ${url} refused ${promql}: ${parsed.error ?? `HTTP ${response.status}`}`);
      }
      return parsed.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
  };
}
