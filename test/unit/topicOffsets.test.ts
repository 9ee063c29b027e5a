import { strict as assert } from "assert";
import { KafkaJSProtocolError } from "kafkajs";

import { topicOffsets } from "../../ops/connections/topicOffsets";

/** A broker's error as kafkajs makes it from the protocol's error code (retriable or not, by the code's table). */
function protocolError(type: string, code: number, retriable: boolean, message: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
}

const notLeader = () =>
  protocolError("NOT_LEADER_FOR_PARTITION", 6, true, "This server is not the leader for that topic-partition");
const denied = () => protocolError("TOPIC_AUTHORIZATION_FAILED", 29, false, "Not authorized to access topics");
const offsets = [{ partition: 0, offset: "7", high: "7", low: "2" }];

/** An admin whose fetchTopicOffsets fails with `failures` in turn, then answers `offsets`. */
function adminFailing(...failures: Error[]) {
  const calls: string[] = [];
  return {
    calls,
    fetchTopicOffsets: (topic: string) => {
      calls.push(topic);
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve(offsets) : Promise.reject(failure);
    },
  };
}

describe("ops topic offsets", () => {
  const quick = { attempts: 3, pauseMs: 1 };

  it("asks again when a partition's leader moved under the request, and returns the answer", async () => {
    const admin = adminFailing(notLeader(), notLeader());
    assert.deepEqual(await topicOffsets(admin, "a.events", quick), offsets);
    assert.deepEqual(admin.calls, ["a.events", "a.events", "a.events"]);
  });

  it("gives up after its attempts with the broker's own error", async () => {
    const admin = adminFailing(notLeader(), notLeader(), notLeader());
    await assert.rejects(topicOffsets(admin, "a.events", quick), /not the leader for that topic-partition/);
    assert.equal(admin.calls.length, 3);
  });

  it("fails at once on an error that asking again cannot cure", async () => {
    const admin = adminFailing(denied());
    await assert.rejects(topicOffsets(admin, "a.events", quick), /Not authorized to access topics/);
    assert.equal(admin.calls.length, 1);
    const plain = adminFailing(new Error("socket hang up"));
    await assert.rejects(topicOffsets(plain, "a.events", quick), /socket hang up/);
    assert.equal(plain.calls.length, 1);
  });
});
