import { EnforcementLevel, Policies } from "@pulumi/policy";

import { backupBucketHardening } from "./backupBucketHardening";
import { containerResources } from "./containerResources";
import { cronJobConcurrency } from "./cronJobConcurrency";
import { hpaBounds } from "./hpaBounds";
import { kafkaListenersTls } from "./kafkaListenersTls";
import { databaseTls } from "./databaseTls";
import { kafkaStorageBound } from "./kafkaStorageBound";
import { noPasswordLiterals } from "./noPasswordLiterals";
import { partitionsPerBroker } from "./partitionsPerBroker";
import { podSecurityRestricted } from "./podSecurityRestricted";
import { statefulResourcesProtected } from "./statefulResourcesProtected";
import { statefulSetDisruptionBudget } from "./statefulSetDisruptionBudget";
import { tenantAclIsolation } from "./tenantAclIsolation";
import { topicReplication } from "./topicReplication";
import { workloadNetworkPolicy } from "./workloadNetworkPolicy";

/** Every guardrail at one enforcement level; per-policy levels can be changed with --policy-pack-config. */
export function guardrails(enforcementLevel: EnforcementLevel = "mandatory"): Policies {
  return [
    tenantAclIsolation(enforcementLevel),
    topicReplication(enforcementLevel),
    containerResources(enforcementLevel),
    hpaBounds(enforcementLevel),
    statefulSetDisruptionBudget(enforcementLevel),
    backupBucketHardening(enforcementLevel),
    cronJobConcurrency(enforcementLevel),
    noPasswordLiterals(enforcementLevel),
    statefulResourcesProtected(enforcementLevel),
    partitionsPerBroker(enforcementLevel),
    kafkaStorageBound(enforcementLevel),
    podSecurityRestricted(enforcementLevel),
    workloadNetworkPolicy(enforcementLevel),
    kafkaListenersTls(enforcementLevel),
    databaseTls(enforcementLevel),
  ];
}
