import { parseArgs } from 'util';
import { settingSources } from '@ferry/config';
import { createSandboxLogger } from './sandbox.logger';
import { resolveSandboxOptions, sandboxOptionsFromEnv, SandboxOptionsInput } from './sandbox.options';
import { startSandbox } from './sandbox.app';
import { parseLoadList } from './source/source-sandbox.options';

/** `--changes-per-second N` and `--load <system>=<export folder>` (repeatable) win over their variables. */
function withFlags(input: SandboxOptionsInput, argv: string[]): SandboxOptionsInput {
  const { values } = parseArgs({
    args: argv,
    options: { 'changes-per-second': { type: 'string' }, load: { type: 'string', multiple: true } },
  });
  const source = { ...input.source };
  const rate = values['changes-per-second'];
  if (rate !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(rate)) throw new Error(`--changes-per-second must be a number of at least 0, got "${rate}"`);
    source.changesPerSecond = Number(rate);
  }
  if (values.load) source.load = values.load.flatMap((l) => parseLoadList(l, '--load'));
  return { ...input, source };
}

async function main(): Promise<void> {
  // The environment first, then FERRY_SECRETS_FILE and the endpoints `infra up` wrote, like every Ferry service.
  const options = resolveSandboxOptions(withFlags(sandboxOptionsFromEnv(settingSources()), process.argv.slice(2)));
  const logger = createSandboxLogger(options.logLevel);
  const sandbox = await startSandbox({ ...options, logger });
  sandbox.app.enableShutdownHooks();
  logger.info(
    { url: sandbox.url, apiUrl: sandbox.apiUrl, tokenUrl: sandbox.tokenUrl, schema: options.schema, throttle: options.throttle },
    'Dataverse sandbox listening',
  );
  logger.info(
    { loginUrl: sandbox.salesforceUrl, tokenUrl: `${sandbox.salesforceUrl}/services/oauth2/token`, clientId: options.salesforce.clientId },
    'Salesforce sandbox listening',
  );
  logger.info(
    { sourcesUrl: `${sandbox.url}/sources/<system>/api`, schema: options.source.schema, changesPerSecond: options.source.changesPerSecond },
    'source sandbox listening',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
