import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Integration tests need the real broker, registry and PostgreSQL. When they do not answer, start them with
 * the project's own script (it downloads once into ~/.ferry/cache and reuses what already runs).
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const script = path.join(root, 'infra', 'infra.sh');
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
  } catch {
    process.stdout.write('\ninfrastructure not answering: running infra/infra.sh up\n');
    execFileSync('bash', [script, 'up'], { stdio: 'inherit' });
  }
}
