/** The local stack of tools/localStack.ts, with a client of its API server for reading back what was created. */
import { LocalStack as EngineStack } from "../../tools/localStack";
import { KubeApi } from "./kubeApi";

export { projectDir } from "../../tools/localStack";

export class LocalStack extends EngineStack {
  private client: KubeApi | undefined;

  /** Valid once `up()` has succeeded. */
  get kube(): KubeApi {
    this.client ??= new KubeApi(this.kubeconfig);
    return this.client;
  }
}
