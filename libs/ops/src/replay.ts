import { randomUUID } from 'crypto';
import type { Admin, Kafka } from 'kafkajs';
import { pollUntil } from '@ferry/common';
import { consumerGroups, ReplayablePhase, RoutePlan, topics } from '@ferry/contracts';
import { sendControl } from '@ferry/kafka';
import { phaseTopics } from './status';

export type ReplayFrom = { kind: 'beginning' } | { kind: 'time'; at: Date };

export interface ReplayOutcome {
  group: string;
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  pausedRunningConsumers: boolean;
}

/**
 * Re-runs a phase: asks its running consumers to leave the group (control topic), waits until the group is
 * empty — Kafka refuses to move offsets of a group with members — sets the offsets, then lets them resume.
 * Safe because every phase is idempotent: records are rewritten by key, never duplicated.
 */
export async function replayPhase(kafka: Kafka, route: RoutePlan, migration: string, phase: ReplayablePhase, from: ReplayFrom, timeoutMs = 60_000): Promise<ReplayOutcome> {
  const group = consumerGroups[phase](migration);
  const names = phaseTopics(route, migration)[phase];
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  const requestId = randomUUID();
  const control = topics.control(migration);
  try {
    const before = await groupState(admin, group);
    const hadMembers = before.members > 0;
    if (hadMembers) await sendControl(producer, control, { type: 'pause', phase, requestId });
    await pollUntil(async () => (await groupState(admin, group)).members === 0, {
      timeoutMs,
      what: `consumer group ${group} to become empty (is a ${phase} consumer running that does not listen to ${control}?)`,
    });
    const result: ReplayOutcome['topics'] = [];
    for (const topic of names) {
      const partitions =
        from.kind === 'beginning'
          ? (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }))
          : (await admin.fetchTopicOffsetsByTimestamp(topic, from.at.getTime())).map((p) => ({ partition: p.partition, offset: p.offset }));
      // An offset of -1 means "no message at or after that time": start at the end, i.e. replay nothing there.
      const ends = await admin.fetchTopicOffsets(topic);
      const fixed = partitions.map((p) => (Number(p.offset) < 0 ? { partition: p.partition, offset: ends.find((e) => e.partition === p.partition)?.high ?? '0' } : p));
      await admin.setOffsets({ groupId: group, topic, partitions: fixed });
      result.push({ topic, partitions: fixed });
    }
    if (hadMembers) await sendControl(producer, control, { type: 'resume', phase, requestId });
    return { group, topics: result, pausedRunningConsumers: hadMembers };
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

async function groupState(admin: Admin, group: string): Promise<{ state: string; members: number }> {
  const [g] = (await admin.describeGroups([group])).groups;
  return { state: g?.state ?? 'Dead', members: g?.members.length ?? 0 };
}
