import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { containersOf, podSpecOf } from "./kubernetesPods";
import { resourceTypes } from "../components/resourceKinds";
import { Props } from "./policyTypes";

const secretName = /(pass(word|wd)?|secret|token|api[_-]?key|credential|private[_-]?key)/i;
/** `password=value` or `password: value` with a literal value; `$VAR` references are fine. */
const assignedLiteral = /(pass(word|wd)?|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?(?!\$|\{\{)[^\s"'$;]{4,}/i;

/** Credentials belong in Secrets: a literal in a ConfigMap or an env value ends up in every `kubectl get`. */
export function noPasswordLiterals(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "no-password-literals",
    description: "No password-like literal in a ConfigMap or a container env value.",
    enforcementLevel,
    validateResource: (args, reportViolation) => {
      const props = args.props as Props;
      if (args.type === resourceTypes.configMap) {
        for (const [key, value] of Object.entries((props.data ?? {}) as Record<string, unknown>)) {
          const text = String(value);
          if ((secretName.test(key) && text.trim() !== "") || assignedLiteral.test(text)) {
            reportViolation(
              `ConfigMap ${args.name}, key ${key}: looks like a credential in plain text. Move it to a Secret and reference it from the environment (valueFrom.secretKeyRef).`,
            );
          }
        }
        return;
      }
      const pod = podSpecOf(args.type, props);
      for (const container of pod === undefined ? [] : containersOf(pod)) {
        for (const env of (container.env ?? []) as Props[]) {
          const value = env.value as unknown;
          if (
            typeof value === "string" &&
            value !== "" &&
            (secretName.test(String(env.name)) || assignedLiteral.test(value))
          ) {
            reportViolation(
              `${args.name}, container ${String(container.name)}, env ${String(env.name)}: a credential as a literal value. Use valueFrom.secretKeyRef to a Secret.`,
            );
          }
        }
      }
    },
  };
}
