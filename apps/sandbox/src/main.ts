import { settingSources } from '../../../libs/config/src';
import { createSandboxLogger } from './sandbox.logger';
import { resolveSandboxOptions, sandboxOptionsFromEnv } from './sandbox.options';
import { startSandbox } from './sandbox.app';

async function main(): Promise<void> {
  // The environment first, then FERRY_SECRETS_FILE and the endpoints `infra up` wrote, like every Ferry service.
  const options = resolveSandboxOptions(sandboxOptionsFromEnv(settingSources()));
  const logger = createSandboxLogger(options.logLevel);
  const sandbox = await startSandbox({ ...options, logger });
  sandbox.app.enableShutdownHooks();
  logger.info(
    { url: sandbox.url, apiUrl: sandbox.apiUrl, tokenUrl: sandbox.tokenUrl, schema: options.schema, throttle: options.throttle },
    'Dataverse sandbox listening',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
