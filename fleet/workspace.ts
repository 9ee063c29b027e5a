/**
 * The fleet's way to its stacks: the CLI and the project's settings, found once per command, and
 * each stack opened in the folder of its stack files with the program at the project.
 */
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

import { cliRoot } from "../tools/localStack";

export interface FleetWorkspace {
  readonly pulumiCommand: PulumiCommand;
  /** The workspace of `workDir`, for reading stacks (outputs, state, the list). */
  readonly workspace: LocalWorkspace;
  /** A stack, created when it does not exist yet; `config` (a tenants stack's place) written into its file. */
  readonly stack: (name: string, config?: Readonly<Record<string, string>>) => Promise<Stack>;
}

export async function openFleetWorkspace(projectDir: string, workDir: string): Promise<FleetWorkspace> {
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot(process.env.PATH ?? "") });
  const project = await (await LocalWorkspace.create({ workDir: projectDir, pulumiCommand })).projectSettings();
  const options = {
    pulumiCommand,
    projectSettings: { ...project, main: projectDir },
    // As in the workflows, which type-check once per job: checking again in every stack's run
    // was about half of a no-change preview's fixed cost.
    envVars: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
  };
  const workspace = await LocalWorkspace.create({ workDir, ...options });
  return {
    pulumiCommand,
    workspace,
    stack: async (name, config) => {
      const stack = await LocalWorkspace.createOrSelectStack({ stackName: name, workDir }, options);
      if (config !== undefined) {
        await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
      }
      return stack;
    },
  };
}
