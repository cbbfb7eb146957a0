import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { Initial1763800000000 } from './migrations/1763800000000-initial';
import { SourceDelta1763900000000 } from './migrations/1763900000000-source-delta';
import { SourceRecordLean1764000000000 } from './migrations/1764000000000-source-record-lean';
import { DestinationKeys1764100000000 } from './migrations/1764100000000-destination-keys';
import { RelatedRouting1764200000000 } from './migrations/1764200000000-related-routing';
import { QualityOwnersFiles1764300000000 } from './migrations/1764300000000-quality-owners-files';
import { RunSupervision1764400000000 } from './migrations/1764400000000-run-supervision';
import { RollbackDlq1764500000000 } from './migrations/1764500000000-rollback-dlq';
import { CutoverVerdict1764700000000 } from './migrations/1764700000000-cutover-verdict';
import { RelatedHold1764900000000 } from './migrations/1764900000000-related-hold';
import { RefRecords1765100000000 } from './migrations/1765100000000-ref-records';
import { ParkedWire1765710000000 } from './migrations/1765710000000-parked-wire';
import { QualityRecords1765800000000 } from './migrations/1765800000000-quality-records';
import { ParkedRelease1765810000000 } from './migrations/1765810000000-parked-release';
import { FerryError } from '@ferry/common';
import { redactUrl } from '@ferry/config';

/** In timestamp order, one per line (TypeORM runs them by timestamp in any case). */
export const MIGRATIONS = [
  Initial1763800000000,
  SourceDelta1763900000000,
  SourceRecordLean1764000000000,
  DestinationKeys1764100000000,
  RelatedRouting1764200000000,
  QualityOwnersFiles1764300000000,
  RunSupervision1764400000000,
  RollbackDlq1764500000000,
  CutoverVerdict1764700000000,
  RelatedHold1764900000000,
  RefRecords1765100000000,
  ParkedWire1765710000000,
  QualityRecords1765800000000,
  ParkedRelease1765810000000,
];

export function createDataSource(databaseUrl: string, poolSize = 5): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'ferry_schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  });
}

/** Connects, turning the usual mistakes into one line that says what to fix. */
export async function connectDataSource(databaseUrl: string, poolSize = 5): Promise<DataSource> {
  const ds = createDataSource(databaseUrl, poolSize);
  try {
    await ds.initialize();
  } catch (e) {
    const msg = (e as Error).message;
    const where = redactUrl(databaseUrl);
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|timeout/i.test(msg)) {
      throw new FerryError('DB_UNREACHABLE', `PostgreSQL at ${where} does not answer (${msg}); start it (npm run infra:up) or fix DATABASE_URL`, 'fatal');
    }
    if (/does not exist/i.test(msg)) {
      throw new FerryError('DB_MISSING', `PostgreSQL at ${where}: ${msg}; create it (npm run infra:up does) or fix DATABASE_URL`, 'fatal');
    }
    throw new FerryError('DB_ERROR', `PostgreSQL at ${where}: ${msg}`, 'fatal');
  }
  return ds;
}

/** Services refuse to start on an out-of-date schema rather than migrate behind the operator's back. */
export async function assertSchemaCurrent(ds: DataSource): Promise<void> {
  if (await ds.showMigrations()) {
    throw new FerryError('DB_SCHEMA_OUTDATED', 'the database schema is not up to date: run `npm run db:migrate`', 'fatal');
  }
}
