/**
 * The fleet's way to its stacks: the CLI and the project's settings, found once per command, and
 * each stack opened in the folder of its stack files with the program at the project.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, ProjectSettings, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

import { cliRoot } from "../tools/localStack";
import { buildProgram } from "../tools/programBuild";

export interface FleetWorkspace {
  /** The project: its program, policy pack and registry. */
  readonly projectDir: string;
  /** Where the stack files are (the project, or the local stack's state folder). */
  readonly workDir: string;
  readonly pulumiCommand: PulumiCommand;
  /** The workspace of `workDir`, for reading stacks (outputs, state, the list). */
  readonly workspace: LocalWorkspace;
  /** A stack, created when it does not exist yet; `config` (a tenants stack's place) written into its file. */
  readonly stack: (name: string, config?: Readonly<Record<string, string>>) => Promise<Stack>;
}

/**
 * The project's settings for a workspace in `workDir`, or none when that is the project itself. The
 * Automation API writes the settings it is given into workDir's Pulumi.yaml: given the project's
 * own, it would rewrite the repository's file (its comments lost, `main` made absolute).
 */
export function projectSettingsFor(
  projectDir: string,
  workDir: string,
  project: ProjectSettings,
): { projectSettings?: ProjectSettings } {
  return path.resolve(workDir) === path.resolve(projectDir)
    ? {}
    : { projectSettings: { ...project, main: projectDir } };
}

/** Whether a stack file already sets each of `config`'s keys to its value (a CLI call saved per run). */
export function fileHolds(file: string, config: Readonly<Record<string, string>>): boolean {
  if (!fs.existsSync(file)) {
    return false;
  }
  const parsed = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return Object.entries(config).every(([key, value]) => String(parsed?.config?.[key]) === value);
}

export async function openFleetWorkspace(projectDir: string, workDir: string): Promise<FleetWorkspace> {
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot(process.env.PATH ?? "") });
  const project = await (await LocalWorkspace.create({ workDir: projectDir, pulumiCommand })).projectSettings();
  // Once per command, and cheap when the sources have not changed: every stack's run then starts
  // the program without compiling it (programs/prebuilt.ts).
  buildProgram(projectDir);
  const options = {
    pulumiCommand,
    ...projectSettingsFor(projectDir, workDir, project),
    // As in the workflows, which type-check once per job: checking again in every stack's run
    // was about half of a no-change preview's fixed cost.
    envVars: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
  };
  const workspace = await LocalWorkspace.create({ workDir, ...options });
  return {
    projectDir,
    workDir,
    pulumiCommand,
    workspace,
    stack: async (name, config) => {
      // Through the one workspace: a workspace per stack would write Pulumi.yaml again each time,
      // and a stack opened meanwhile read it half-written ("expected project to be an object").
      const stack = await Stack.createOrSelect(name, workspace);
      if (config !== undefined && !fileHolds(path.join(workDir, `Pulumi.${name}.yaml`), config)) {
        await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
      }
      return stack;
    },
  };
}
