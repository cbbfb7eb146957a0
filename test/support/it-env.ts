import { randomBytes } from 'crypto';
import { settingSources } from '@ferry/config';

/**
 * Integration tests use their own database (ferry_test) and a fresh migration id each, so they never see
 * each other's records or a demo's.
 */
export function testDatabaseUrl(): string {
  const base = settingSources().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ferry';
  const u = new URL(base);
  u.pathname = '/ferry_test';
  return u.toString();
}

export function uniqueMigration(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
}

/** Points this process's Runtime at the test database and the given migration. */
export function useTestEnv(migration: string, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    DATABASE_URL: testDatabaseUrl(),
    FERRY_MIGRATION: migration,
    FERRY_RUN: 'run-test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extra,
  });
}
