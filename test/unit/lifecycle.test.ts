import { strict as assert } from "assert";

import {
  billingStatusOf,
  canChange,
  clientStatuses,
  hasAccess,
  isLive,
  isReleasable,
  nextStatuses,
} from "../../clients/lifecycle";

/**
 * The lifecycle written out once more, by hand, as the README tells it: the
 * module must say exactly this. Columns of `becomes`: active, suspended,
 * offboarding, offboarded.
 */
const expected = {
  active: { becomes: [true, true, true, false], live: true, releasable: false, access: true, billing: "active" },
  suspended: { becomes: [true, true, true, false], live: true, releasable: false, access: false, billing: "suspended" },
  offboarding: { becomes: [true, true, true, true], live: true, releasable: true, access: false, billing: "suspended" },
  offboarded: {
    becomes: [false, false, false, true],
    live: false,
    releasable: true,
    access: false,
    billing: "deleted",
  },
};

describe("client lifecycle", () => {
  it("allows exactly the README's status changes and gives each status its liveness, protection, access and billing", () => {
    assert.deepEqual(clientStatuses, ["active", "suspended", "offboarding", "offboarded"]);
    const actual = Object.fromEntries(
      clientStatuses.map((from) => [
        from,
        {
          becomes: clientStatuses.map((to) => canChange(from, to)),
          live: isLive(from),
          releasable: isReleasable(from),
          access: hasAccess(from),
          billing: billingStatusOf(from),
        },
      ]),
    );
    assert.deepEqual(actual, expected);
    // The guard reads statuses from saved state: one this code does not know allows nothing, and is never reached.
    assert.deepEqual(nextStatuses("retired"), []);
    assert.equal(canChange("retired", "active"), false);
    assert.equal(canChange("active", "retired"), false);
  });
});
