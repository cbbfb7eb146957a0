import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { discoveryInventorySchema } from '@ferry/discovery';
import { parseExportSource } from '@ferry/connectors/export';
import { discoverCommand } from './discover.command';
import { configFromFlags } from './init.command';

const ZOHO = join(__dirname, '..', '..', '..', 'libs', 'connectors', 'export', 'fixtures', 'zoho');

let out: string;
let printed: string[];
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'discover-export-'));
  printed = [];
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
  process.exitCode = undefined;
});

function run(args: string[]): Promise<unknown> {
  const program = new Command().name('ferry').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  discoverCommand(program, { print: (s) => printed.push(s), progress: () => undefined });
  return program.parseAsync(['node', 'ferry', 'discover', ...args]);
}

describe('ferry discover --source export', () => {
  it('infers the folder, profiles it through the export connector, and writes source.yaml next to discovery.json', async () => {
    await run(['--source', 'export', '--export', ZOHO, '--out', out]);
    const inventory = discoveryInventorySchema.parse(JSON.parse(readFileSync(join(out, 'discovery.json'), 'utf8')));
    expect(inventory.system).toBe('export');
    expect(inventory.objects.map((o) => [o.name, o.records, o.key])).toEqual([
      ['accounts', 8, 'record_id'],
      ['contacts', 10, 'record_id'],
      ['deals', 10, 'ferry_key'],
      ['users', 4, 'user_id'],
    ]);
    expect(inventory.references.map((r) => `${r.object}.${r.field} → ${r.target} (${r.orphans} orphans)`)).toEqual([
      'contacts.account_name_key → accounts (0 orphans)',
      'deals.account_name_key → accounts (0 orphans)',
    ]);
    const doc = parseExportSource(parse(readFileSync(join(out, 'source.yaml'), 'utf8')), 'source.yaml');
    expect(doc.objects.find((o) => o.name === 'deals')?.key.columns).toEqual(['Deal Name', 'Account Name']);
    const text = printed.join('\n');
    expect(text).toContain(`inferred 4 objects of the export: ${join(out, 'source.yaml')}`);
    expect(text).toContain('1 guess marked for review there (review: true), e.g. deals: key Deal Name + Account Name');
    expect(process.exitCode).toBeUndefined();
  });

  it('profiles again with a reviewed description (--description), taking the person’s edits', async () => {
    await run(['--source', 'export', '--export', ZOHO, '--out', out]);
    const file = join(out, 'source.yaml');
    const doc = parse(readFileSync(file, 'utf8'));
    const deals = doc.objects.find((o: { name: string }) => o.name === 'deals');
    deals.key = { columns: ['Deal Name', 'Account Name', 'Closing Date'], confidence: 1, evidence: 'confirmed by the sales team', review: false };
    writeFileSync(file, JSON.stringify(doc));
    printed = [];
    const again = join(out, 'again');
    await run(['--source', 'export', '--export', ZOHO, '--out', again, '--description', file]);
    expect(printed.join('\n')).toContain('described 4 objects of the export');
    expect(printed.join('\n')).toContain('nothing marked for review');
    const written = parseExportSource(parse(readFileSync(join(again, 'source.yaml'), 'utf8')), 'source.yaml');
    expect(written.objects.find((o) => o.name === 'deals')?.key.columns).toEqual(['Deal Name', 'Account Name', 'Closing Date']);
  });

  it('refuses --api for the export source, and a broken description, in one line each', async () => {
    await expect(run(['--source', 'export', '--api', 'http://127.0.0.1:9'])).rejects.toThrow('discover: the export source is a folder: give --export <dir>, not --api');
    const file = join(out, 'bad.yaml');
    writeFileSync(file, 'format: ferry-export-source/1\ndisplayName: x\nobjects: []\n');
    await expect(run(['--source', 'export', '--export', ZOHO, '--description', file])).rejects.toThrow(`${file}: objects: Array must contain at least 1 element(s)`);
  });
});

describe('ferry init --source export', () => {
  it('takes the export source with a folder', () => {
    const c = configFromFlags({ source: 'export', export: ZOHO, sandbox: true, sandboxPort: 8181, destination: 'dynamics', ownerPolicy: 'fallback' } as Parameters<typeof configFromFlags>[0]);
    expect(c.source).toEqual({ system: 'export', mode: 'export', exportDir: ZOHO });
    expect(c.route).toBe('export-dynamics');
  });
});
