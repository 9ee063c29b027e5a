import { strict as assert } from "assert";
import * as util from "util";
import * as pulumi from "@pulumi/pulumi";

import { ValidationError } from "../../config/validationError";
import { reportingRefusals } from "../../programs/refusals";

async function thrownBy(program: () => Promise<unknown>): Promise<pulumi.RunError> {
  try {
    await reportingRefusals(program);
  } catch (err) {
    assert.ok(pulumi.RunError.isInstance(err), String(err));
    return err;
  }
  assert.fail("the program ran");
}

describe("the program's refusals, as the engine prints them", () => {
  it("passes the program's result through", async () => {
    assert.deepEqual(await reportingRefusals(() => Promise.resolve({ a: 1 })), { a: 1 });
  });

  it("a ValidationError or a plain Error reads as its message, with no stack frame", async () => {
    for (const refusal of [
      new ValidationError("invalid stack config (stack local)", ['kg-rca-server:kgApiCpuTargetPercent: got "0"']),
      new Error('kg-rca-server:platformStack: stack "prod" has no output "tenantPlatform".'),
    ]) {
      const error = await thrownBy(() => Promise.reject(refusal));
      assert.equal(error.message, refusal.message);
      assert.equal(error.stack, refusal.message, "no frame for the engine's inspect to format");
    }
  });

  it("any other error reads as its stack, so a defect can still be traced", async () => {
    const error = await thrownBy(() => {
      throw new TypeError("cannot read properties of undefined");
    });
    assert.match(error.message, /^TypeError: cannot read properties of undefined\n {4}at /);
    assert.equal(error.stack, error.message);
  });

  it("leaves the engine's colour inspect no frame to loop on, even where the refusal's stack named a scoped package's file", async () => {
    const refusal = new ValidationError("invalid stack config", ["bad"]);
    refusal.stack = `${refusal.message}\n    at init (/work/node_modules/@pulumi/resource.ts:1598:22)`;
    const error = await thrownBy(() => Promise.reject(refusal));
    assert.ok(!util.inspect(error, { colors: true }).includes("node_modules"));
  });
});
