import { loadStackConfig, loadStackLayout } from "../config";
import { platformStack } from "./platformStack";
import { tenantStack } from "./tenantStack";

/**
 * The program of every stack of the project, by the stack's role (kg-rca-server:stackRole): a
 * whole stack, an environment's platform stack, or one of its tenants stacks. Config is validated
 * before any resource is declared: bad input changes nothing.
 */
export async function stackProgram(): Promise<Record<string, unknown>> {
  const layout = loadStackLayout();
  if (layout.role === "tenants") {
    return tenantStack(layout);
  }
  return Promise.resolve(platformStack(loadStackConfig(), layout.role));
}
