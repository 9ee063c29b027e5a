import { Admin, KafkaJSError } from "kafkajs";

export interface OffsetsRetry {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly pauseMs: number;
}

/** Enough for a partition's leadership to settle after a broker leaves; the command's deadline bounds it too. */
const defaultRetry: OffsetsRetry = { attempts: 4, pauseMs: 1000 };

/**
 * A topic's offsets per partition. kafkajs's `fetchTopicOffsets` reads the partitions' leaders,
 * then asks each for its offsets, and retries only an unknown topic. When a leader moves between
 * the two (a broker rolled, drained or restarted: exactly when an operator runs a report), the
 * old leader answers NOT_LEADER_FOR_PARTITION (as kafkajs names it) and the call fails. An admin
 * client reads the metadata again on every call (its metadata has no max age), so asking again
 * reaches the new leader. Only errors kafkajs marks retriable are asked again; any other fails
 * at once.
 */
export async function topicOffsets(
  admin: Pick<Admin, "fetchTopicOffsets">,
  topic: string,
  retry: OffsetsRetry = defaultRetry,
): ReturnType<Admin["fetchTopicOffsets"]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!(err instanceof KafkaJSError && err.retriable) || attempt >= retry.attempts) {
        throw err;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, retry.pauseMs));
  }
}
