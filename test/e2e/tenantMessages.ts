/** Producing and reading a tenant's messages as the tenant, through any Kafka client of its SCRAM user. */
import { Kafka } from "kafkajs";

export async function produceAs(kafka: Kafka, topic: string, value: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every message of a topic, sorted (partitions interleave), read from the start by consumer group
 * `group` until `expected` have come; an error after `timeoutMs` says how many did. Counted once per
 * partition and offset: a consumer that restarts (see CRASH below) is handed again what it had read
 * before its offsets were committed, and a count of deliveries then reached `expected` with messages
 * missing (CI saw it right after a broker drain).
 */
export async function readEvery(
  kafka: Kafka,
  group: string,
  topic: string,
  expected: number,
  timeoutMs = 60000,
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: group });
  const seen = new Map<string, string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`read ${seen.size} of ${expected} messages from ${topic}`));
      }, timeoutMs);
      consumer.on(consumer.events.CRASH, (event) => {
        if (event.payload.restart) {
          // A retriable error, which the consumer restarts after (a fresh broker's group
          // coordinator still loading its partition of __consumer_offsets, say).
          return;
        }
        clearTimeout(timer);
        reject(event.payload.error);
      });
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          seen.set(`${partition}:${message.offset}`, message.value?.toString() ?? "");
          if (seen.size >= expected) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return [...seen.values()].sort();
}
