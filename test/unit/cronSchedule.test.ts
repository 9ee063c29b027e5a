import { strict as assert } from "assert";

import { cronMacros, cronScheduleProblems } from "../../config/cronSchedule";

const fieldSyntax = "a value, * or ?, a range a-b, a step */n or a-b/n, or a comma-separated list of these";

describe("cron schedules", () => {
  describe("accepts what Kubernetes accepts", () => {
    for (const schedule of [
      "0 2 * * *",
      "* * * * *",
      "59 23 31 12 6",
      "0 0 1 1 0",
      "*/15 * * * *",
      "0 */6 * * *",
      "0-30/10 8-18 * * 1-5",
      "5/10 * * * *",
      "0 2 1,15 * *",
      "0,30 1,13 * * MON,WED,FRI",
      "0 2 * JAN-MAR sun",
      "0 2 ? * Sat",
      "00 02 * * *",
      "  30   1 * * 0  ",
      ...cronMacros,
    ]) {
      it(`"${schedule}"`, () => {
        assert.deepEqual(cronScheduleProblems(schedule), []);
      });
    }
  });

  describe("refuses, naming the field, the bad value and what the field takes", () => {
    const fields = ["minute", "hour", "day-of-month", "month", "day-of-week"];
    const cases: readonly (readonly [schedule: string, field: string, problem: string, takes: string])[] = [
      ["x 2 * * *", "minute", `"x" is not a number`, "0-59"],
      ["60 2 * * *", "minute", "60 is outside 0-59", "0-59"],
      ["0 24 * * *", "hour", "24 is outside 0-23", "0-23"],
      ["0 2 0 * *", "day-of-month", "0 is outside 1-31", "1-31"],
      ["0 2 32 * *", "day-of-month", "32 is outside 1-31", "1-31"],
      ["0 2 * 13 *", "month", "13 is outside 1-12", "1-12 or JAN-DEC"],
      ["0 2 * JANUARY *", "month", `"JANUARY" is not a number or name`, "1-12 or JAN-DEC"],
      ["0 2 * * 7", "day-of-week", "7 is outside 0-6", "0-6 or SUN-SAT (Sunday is 0)"],
      ["0 2 * * SUNDAY", "day-of-week", `"SUNDAY" is not a number or name`, "0-6 or SUN-SAT (Sunday is 0)"],
      ["0 2 * * JAN", "day-of-week", `"JAN" is not a number or name`, "0-6 or SUN-SAT (Sunday is 0)"],
      ["0 18-8 * * *", "hour", `the range "18-8" runs backwards (18 is after 8)`, "0-23"],
      [
        "0 2 * * FRI-MON",
        "day-of-week",
        `the range "FRI-MON" runs backwards (5 is after 1)`,
        "0-6 or SUN-SAT (Sunday is 0)",
      ],
      ["*/0 * * * *", "minute", `"*/0" has the step "0", and a step is a whole number from 1`, "0-59"],
      ["*/x * * * *", "minute", `"*/x" has the step "x", and a step is a whole number from 1`, "0-59"],
      ["*/5/2 * * * *", "minute", `"*/5/2" has more than one step`, "0-59"],
      ["0 1-2-3 * * *", "hour", `"1-2-3" is not a range a-b`, "0-23"],
      ["0 1,,2 * * *", "hour", "a list item is empty", "0-23"],
      ["0 -1 * * *", "hour", `"" is not a number`, "0-23"],
      ["0 +2 * * *", "hour", `"+2" is not a number`, "0-23"],
      ["0 2 L * *", "day-of-month", `"L" is not a number`, "1-31"],
    ];
    for (const [schedule, field, problem, takes] of cases) {
      it(`"${schedule}": ${field}`, () => {
        const value = schedule.split(" ")[fields.indexOf(field)] ?? "";
        assert.deepEqual(cronScheduleProblems(schedule), [
          `the ${field} field is "${value}": ${problem}. The ${field} takes ${takes}, as ${fieldSyntax}; got "${schedule}"`,
        ]);
      });
    }

    it("reports every bad field at once", () => {
      const opening = (schedule: string): string[] =>
        cronScheduleProblems(schedule).map((p) => p.slice(0, p.indexOf(":")));
      assert.deepEqual(opening("60 24 * 13 *"), [
        'the minute field is "60"',
        'the hour field is "24"',
        'the month field is "13"',
      ]);
      assert.deepEqual(opening("a b c d e"), [
        'the minute field is "a"',
        'the hour field is "b"',
        'the day-of-month field is "c"',
        'the month field is "d"',
        'the day-of-week field is "e"',
      ]);
    });
  });

  describe("refuses what is not five fields or a listed macro", () => {
    for (const schedule of [
      "daily",
      "0 2 * *",
      "0 0 2 * * *",
      "@every 1h",
      "@Daily",
      "@reboot",
      "CRON_TZ=Etc/UTC 0 2 * * *",
      "TZ=Europe/Berlin 0 2 * * *",
    ]) {
      it(`"${schedule}"`, () => {
        assert.deepEqual(cronScheduleProblems(schedule), [
          `must be a five-field cron schedule such as "0 2 * * *" (minute hour day-of-month month day-of-week) or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly; got "${schedule}"`,
        ]);
      });
    }
  });
});
