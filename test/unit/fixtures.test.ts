/**
 * The component tests build components from fixed args; this holds those args
 * to what the program itself passes on the same figures, so that a fixture
 * cannot drift from the wiring in index.ts (outputs handed from one component
 * to the next: bootstrap address, Secret names, backup servers, role ARN).
 */
import { strict as assert } from "assert";

import {
  BackupJobs,
  BackupStorage,
  BillingDatabase,
  GraphBuilder,
  imagePullPolicyTransformation,
  KafkaCluster,
  KgApi,
  Neo4jCluster,
} from "../../components";
import { MockRun } from "../../tools/mockEngine";
import {
  backupJobsArgs,
  backupStorageArgs,
  billingDatabaseArgs,
  graphBuilderArgs,
  kafkaClusterArgs,
  kgApiArgs,
  neo4jClusterArgs,
} from "./fixtures/componentArgs";
import { synthesizeFixtureStack } from "./fixtures/stack";
import { find, synthesizeComponents } from "./helpers/synthesize";

describe("component fixtures", () => {
  let components: MockRun;
  let program: MockRun;
  before(async () => {
    components = await synthesizeComponents(() => {
      // As index.ts hands them to the workloads, with the imagePullPolicy default.
      const inCluster = { transformations: [imagePullPolicyTransformation("IfNotPresent")] };
      new Neo4jCluster("neo4j", neo4jClusterArgs, inCluster);
      new KafkaCluster("kafka", kafkaClusterArgs, inCluster);
      new BillingDatabase("postgresql", billingDatabaseArgs, inCluster);
      new GraphBuilder("graph-builder", graphBuilderArgs, inCluster);
      new KgApi("kg-api", kgApiArgs, inCluster);
      const storage = new BackupStorage("backups", backupStorageArgs);
      new BackupJobs("backup-jobs", { ...backupJobsArgs, roleArn: storage.roleArn }, inCluster);
    });
    program = await synthesizeFixtureStack();
  });

  it("declare what the program declares on the guide's figures, resource for resource", () => {
    assert.ok(components.resources.length > 50, `only ${components.resources.length} resources`);
    for (const declared of components.resources) {
      const inProgram = find(program, declared.type, declared.name);
      assert.deepEqual(
        { parent: inProgram.parent, inputs: inProgram.inputs },
        { parent: declared.parent, inputs: declared.inputs },
        `${declared.type} ${declared.name}`,
      );
    }
  });
});
