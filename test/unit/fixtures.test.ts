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
      new Neo4jCluster("neo4j", neo4jClusterArgs);
      new KafkaCluster("kafka", kafkaClusterArgs);
      new BillingDatabase("postgresql", billingDatabaseArgs);
      new GraphBuilder("graph-builder", graphBuilderArgs);
      new KgApi("kg-api", kgApiArgs);
      const storage = new BackupStorage("backups", backupStorageArgs);
      new BackupJobs("backup-jobs", { ...backupJobsArgs, roleArn: storage.roleArn });
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
