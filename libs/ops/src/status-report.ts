import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { allRouteTopics, RoutePlan } from '@ferry/contracts';
import { ExtractionStatus, extractionStatus, GroupLag, groupLag, reconciliation, SourceReconciliation, EntityReconciliation, TopicOffsets, topicOffsets } from './status';

/** What `ferry status --json` prints, and what the dashboard and the reconciler's metrics show. */
export interface StatusReport {
  migration: string;
  mapVersion: string;
  extraction: ExtractionStatus;
  topics: TopicOffsets[];
  consumerGroups: GroupLag[];
  sources: SourceReconciliation[];
  entities: EntityReconciliation[];
}

/** One migration's status: its topics (plus any other stream the extractor was asked to read), lag, counts and extraction. */
export async function statusReport(db: DataSource, admin: Admin, plan: RoutePlan, migration: string): Promise<StatusReport> {
  const prefix = `ferry.${migration}.extracted.`;
  const extra = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  const topics = await topicOffsets(admin, [...new Set([...allRouteTopics(plan, migration), ...extra])]);
  const consumerGroups = await groupLag(admin, plan, migration);
  const objects = await reconciliation(db, plan, migration);
  const extraction = await extractionStatus(db, migration);
  return { migration, mapVersion: plan.mapVersion, extraction, topics, consumerGroups, sources: objects.sources, entities: objects.entities };
}
