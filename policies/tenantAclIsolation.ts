import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

/**
 * Tenant isolation: an ACL of a client principal must be PREFIXED on that
 * client's own prefix (`<id>.`). A `*` resource or principal, a LITERAL
 * pattern or another client's prefix would expose other tenants' data.
 */
export function tenantAclIsolation(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "tenant-acl-isolation",
    description: "Client Kafka ACLs are PREFIXED on the client's own prefix, for the client's own principal.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (args.type !== resourceTypes.kafkaAcl) {
        return;
      }
      const acl = args.props as Props;
      const principal = String(acl.aclPrincipal);
      const resourceName = String(acl.aclResourceName);
      if (principal === "User:*" || resourceName.includes("*")) {
        reportViolation(
          `ACL ${args.name} grants ${principal} on "${resourceName}": wildcards give access to every tenant. Grant a PREFIXED ACL on the client's own prefix "<id>." instead.`,
        );
        return;
      }
      const config = configOf(args);
      if (config.platformPrincipals.includes(principal)) {
        return;
      }
      const clientId = principal.replace(/^User:/, "");
      if (acl.resourcePatternTypeFilter !== "Prefixed" || resourceName !== `${clientId}.`) {
        reportViolation(
          `ACL ${args.name} gives client ${principal} ${String(acl.resourcePatternTypeFilter)} access to "${resourceName}": a client may only hold PREFIXED ACLs on its own prefix "${clientId}.". Declare client ACLs through ClientTenant.`,
        );
      }
    },
  };
}
