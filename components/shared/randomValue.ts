import * as pulumi from "@pulumi/pulumi";

import { dynamicModule, dynamicTypeNames } from "../resourceKinds";

/**
 * A random value generated once by the engine and kept (as a secret) in the
 * state: passwords, API keys, the KRaft cluster id. A dynamic resource of our
 * own rather than the `random` provider, whose plugin cannot be fetched or
 * cheaply built on machines without internet; node's CSPRNG does the work.
 * The provider's code is serialized into the state: it is self-contained.
 */

export type RandomValueKind = "password" | "cluster-id";

export interface RandomValueInputs {
  readonly kind: RandomValueKind;
  /** Characters of a password; ignored for a cluster id (always 16 bytes, base64url). */
  readonly length: number;
}

interface RandomValueOutputs extends RandomValueInputs {
  readonly result: string;
}

const passwordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A value of the kind asked for; passwords draw without modulo bias. */
export function generateRandomValue(inputs: RandomValueInputs): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { randomBytes, randomInt } = require("crypto") as typeof import("crypto");
  if (inputs.kind === "cluster-id") {
    return randomBytes(16).toString("base64url");
  }
  return Array.from({ length: inputs.length }, () => passwordAlphabet.charAt(randomInt(passwordAlphabet.length))).join(
    "",
  );
}

export class RandomValueProvider implements pulumi.dynamic.ResourceProvider<RandomValueInputs, RandomValueOutputs> {
  check(_olds: RandomValueInputs, news: RandomValueInputs): Promise<pulumi.dynamic.CheckResult<RandomValueInputs>> {
    const valid =
      (news.kind === "password" && Number.isInteger(news.length) && news.length >= 16) || news.kind === "cluster-id";
    return Promise.resolve(
      valid
        ? { inputs: news }
        : { failures: [{ property: "length", reason: "a password has at least 16 characters" }] },
    );
  }

  diff(_id: string, olds: RandomValueOutputs, news: RandomValueInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = olds.kind !== news.kind || olds.length !== news.length;
    return Promise.resolve({ changes: changed, replaces: changed ? ["kind", "length"] : [] });
  }

  create(inputs: RandomValueInputs): Promise<pulumi.dynamic.CreateResult<RandomValueOutputs>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { randomUUID } = require("crypto") as typeof import("crypto");
    return Promise.resolve({ id: randomUUID(), outs: { ...inputs, result: generateRandomValue(inputs) } });
  }
}

export const randomValueProvider = new RandomValueProvider();

export class RandomValue extends pulumi.dynamic.Resource {
  /** The generated value; a secret in state and in every output derived from it. */
  // `declare`: a class field would overwrite the output the base constructor sets.
  declare public readonly result: pulumi.Output<string>;

  constructor(name: string, args: RandomValueInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      randomValueProvider,
      name,
      { ...args, result: undefined },
      { ...opts, additionalSecretOutputs: ["result"] },
      dynamicModule,
      dynamicTypeNames.randomValue,
    );
  }
}
