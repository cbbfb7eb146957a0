import { Command } from 'commander';
import { FerryError } from '@ferry/common';
import { settingSources } from '@ferry/config';
import { SOURCE_SYSTEMS, type SourceConnector } from '@ferry/connectors/core';
import { sourceConnector } from '@ferry/connectors/registry';
import { discoverSource, discoveryReport, unprofiledObjects, type DiscoverTuning } from '@ferry/discovery';
import { exportDiscovery, writeExportDescription } from './discover-export';

export interface DiscoverCommandDeps {
  /** default: the source registry */
  connectorFor?: (system: string) => SourceConnector;
  tuning?: DiscoverTuning;
  /** stdout; default process.stdout */
  print?: (line: string) => void;
  /** progress lines; default stderr when it is a terminal, else nothing */
  progress?: (line: string) => void;
}

const stdout = (s: string) => process.stdout.write(`${s}\n`);
const stderrOnTerminal = (s: string) => {
  if (process.stderr.isTTY) process.stderr.write(`${s}\n`);
};

/**
 * `ferry discover`: reads every object of a source (an export folder or its API) and writes discovery.json,
 * then prints the inventory as tables, or as the JSON itself with --json. Exit code 1 when an object could
 * not be read, was refused (a missing column) or had every row rejected; the inventory is still written.
 */
export function discoverCommand(program: Command, deps: DiscoverCommandDeps = {}): Command {
  const print = deps.print ?? stdout;
  const progress = deps.progress ?? stderrOnTerminal;
  return program
    .command('discover')
    .description('inventory a source: objects and counts, field types, fill and distinct values, orphans, duplicates, and the automations to rebuild')
    .requiredOption('--source <system>', `source CRM: ${SOURCE_SYSTEMS.join(', ')}`)
    .option('--export <dir>', 'export folder to read')
    .option('--api <url>', "the source API's base URL")
    .option('--credential <key>', 'API key or token for --api (default: FERRY_SOURCE_API_KEY)')
    .option('--out <dir>', 'folder for discovery.json (default: ./ferry-discovery/<source>-<time>/)')
    .option('--json', 'print the inventory as JSON instead of tables')
    .option('--description <file>', 'export source: a source.yaml already reviewed, instead of inferring the folder again')
    .action(async (o: { source: string; export?: string; api?: string; credential?: string; out?: string; json?: boolean; description?: string }) => {
      if (!!o.export === !!o.api) throw new FerryError('USAGE', 'discover: give exactly one of --export <dir> or --api <url>', 'fatal');
      const exported = o.source === 'export' ? await exportDiscovery(o) : null;
      const connector = exported?.connector ?? (deps.connectorFor ?? sourceConnector)(o.source);
      const credential = o.api ? o.credential ?? settingSources().FERRY_SOURCE_API_KEY : undefined;
      if (o.api && !credential) throw new FerryError('USAGE', `discover: --api needs the ${connector.displayName} API key: --credential <key> or FERRY_SOURCE_API_KEY`, 'fatal');
      const started = Date.now();
      const { inventory, file } = await discoverSource(
        connector,
        { system: o.source, exportDir: o.export, apiBaseUrl: o.api, credential, out: o.out },
        {
          ...deps.tuning,
          ...(exported ? { schemaFor: (stream: string) => exported.connector.recordSchema(stream) } : {}),
          onProgress: (e) => {
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            progress(`${e.done ? 'read' : 'reading'} ${e.object}: ${e.records.toLocaleString('en-US')} records (${seconds} s)`);
          },
        },
      );
      print(o.json ? JSON.stringify(inventory, null, 2) : discoveryReport(inventory, file));
      if (exported) for (const line of writeExportDescription(file, exported)) (o.json ? progress : print)(line);
      const failed = unprofiledObjects(inventory);
      if (failed.length > 0) {
        const which = failed.map((x) => `${x.name} (${x.why})`).join('; ');
        process.stderr.write(`ferry: ${failed.length === 1 ? 'one object was' : `${failed.length} objects were`} not profiled: ${which}; the inventory at ${file} has the rest\n`);
        process.exitCode = 1;
      }
    });
}
