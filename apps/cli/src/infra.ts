import { execFileSync } from 'child_process';
import * as path from 'path';
import { FerryError, projectRoot } from '@ferry/common';

/**
 * The demo provisions local infrastructure unless the user pointed Ferry at their own (KAFKA_BROKERS set in the
 * environment). `infra.sh up` reuses whatever already runs, so this is cheap when everything is up.
 */
export function ensureLocalInfra(log: (s: string) => void): void {
  if (process.env.KAFKA_BROKERS) return;
  const script = path.join(projectRoot(), 'infra', 'infra.sh');
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return;
  } catch {
    log('local infrastructure not running: starting Kafka, the schema registry and PostgreSQL (first run downloads them once)');
  }
  try {
    execFileSync('bash', [script, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new FerryError('INFRA_FAILED', 'could not start local infrastructure; see the lines above and `npm run infra:status`', 'fatal');
  }
}
