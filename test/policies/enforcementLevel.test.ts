import { strict as assert } from "assert";

import { enforcementLevels, policyLevelFrom } from "../../policies/enforcementLevel";
import { guardrails } from "../../policies/guardrails";

describe("KG_RCA_POLICY_LEVEL", () => {
  it("defaults to mandatory when unset", () => {
    assert.equal(policyLevelFrom({}), "mandatory");
  });

  for (const level of ["advisory", "mandatory", "remediate", "disabled"] as const) {
    it(`accepts "${level}" and sets it on every policy`, () => {
      assert.equal(policyLevelFrom({ KG_RCA_POLICY_LEVEL: level }), level);
      assert.ok(guardrails(policyLevelFrom({ KG_RCA_POLICY_LEVEL: level })).every((p) => p.enforcementLevel === level));
    });
  }

  it("lists exactly the SDK's levels", () => {
    assert.deepEqual([...enforcementLevels], ["advisory", "mandatory", "remediate", "disabled"]);
  });

  for (const bad of ["strict", "Mandatory", "warn", "", " advisory"]) {
    it(`refuses "${bad}", naming the variable and the valid values`, () => {
      assert.throws(
        () => policyLevelFrom({ KG_RCA_POLICY_LEVEL: bad }),
        (err: unknown) =>
          err instanceof Error &&
          err.message ===
            `KG_RCA_POLICY_LEVEL must be one of "advisory", "mandatory", "remediate", "disabled" (or unset for "mandatory"); got "${bad}"`,
      );
    });
  }
});
