import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Integration tests need the real broker, registry and PostgreSQL (with the ferry_test database). The project's
 * own script provides them: it downloads once into ~/.ferry/cache, reuses whatever already answers, and creates
 * missing databases, so running it every time costs seconds.
 */
export default async function globalSetup(): Promise<void> {
  const script = path.resolve(__dirname, '..', '..', 'infra', 'infra.sh');
  process.stdout.write('\nchecking local infrastructure (infra/infra.sh up)\n');
  execFileSync('bash', [script, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
