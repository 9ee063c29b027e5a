import { loadStackConfig, loadStackLayout } from "../config";
import { platformStack } from "./platformStack";
import { reportingRefusals } from "./refusals";
import { tenantStack } from "./tenantStack";

/**
 * The program of every stack of the project, by the stack's role (kg-rca-server:stackRole): a
 * whole stack, an environment's platform stack, or one of its tenants stacks. Config is validated
 * before any resource is declared: bad input changes nothing.
 */
export function stackProgram(): Promise<Record<string, unknown>> {
  return reportingRefusals(async () => {
    const layout = loadStackLayout();
    if (layout.role === "tenants") {
      return tenantStack(layout);
    }
    return platformStack(loadStackConfig(), layout.role);
  });
}
