import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import { AcmeFixtureConnector, ACME_EXPORT, acmeSchema, CsvFixtureConnector, csvFixtureSchema } from '@ferry/discovery/fixtures';
import { discoveryInventorySchema } from '@ferry/discovery';
import { discoverCommand, type DiscoverCommandDeps } from './discover.command';

let out: string;
let printed: string[];
let stderr: jest.SpyInstance;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'discover-cmd-'));
  printed = [];
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
  stderr.mockRestore();
  process.exitCode = undefined;
});

const acme: DiscoverCommandDeps = {
  connectorFor: (system) => {
    if (system !== 'acme') throw new FerryError('USAGE', `unknown source "${system}"`, 'fatal');
    return new AcmeFixtureConnector();
  },
  tuning: { schemaFor: acmeSchema },
};

function run(args: string[], deps: DiscoverCommandDeps = acme): Promise<unknown> {
  const program = new Command().name('ferry').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  discoverCommand(program, { print: (s) => printed.push(s), progress: () => undefined, ...deps });
  return program.parseAsync(['node', 'ferry', 'discover', ...args]);
}

describe('ferry discover', () => {
  it('prints the objects, field tables, references and automations, and writes discovery.json', async () => {
    await run(['--source', 'acme', '--export', ACME_EXPORT, '--out', out]);
    const text = printed.join('\n');
    expect(text).toMatch(/^Acme fixture export at .*: 4 objects read of 5, 21 records, 4 rejected rows, 2 automations/);
    expect(text).toMatch(/│ contact +│ contacts\.ndjson +│ 10 +│ 3 +│ 14 +│ 4 +│ 0 +│ 4 +│/);
    expect(text).toMatch(/│ discount +│ percent +│ 30\.0 +│ 3 +│ 15% \| 10% \| 5% +│ custom │/);
    expect(text).toMatch(/│ contact\.company_id → company +│ 9 +│ 3 +│ 2 +│ co_5, co_99 +│/);
    expect(text).toMatch(/│ Route web leads \(wf_1\) +│ workflow +│ yes +│/);
    expect(text).toContain('contacts.ndjson:14 BAD_DATE: contacts.ndjson line 14: birth_date "1990-13-45" is not a date');
    expect(text).toContain(`inventory written to ${join(out, 'discovery.json')}`);
    expect(discoveryInventorySchema.safeParse(JSON.parse(readFileSync(join(out, 'discovery.json'), 'utf8'))).success).toBe(true);
    expect(process.exitCode).toBeUndefined();
  });

  it('prints the inventory itself with --json', async () => {
    await run(['--source', 'acme', '--export', ACME_EXPORT, '--out', out, '--json']);
    expect(printed).toHaveLength(1);
    expect(JSON.parse(printed[0])).toEqual(JSON.parse(readFileSync(join(out, 'discovery.json'), 'utf8')));
  });

  it('fails with one line for an unknown source, a missing folder, and neither or both of --export and --api', async () => {
    await expect(run(['--source', 'hubspot', '--export', ACME_EXPORT], {})).rejects.toThrow(
      new FerryError('USAGE', 'unknown source "hubspot": choose one of planports, profi, interactive, leaf360, or export (any other CRM\'s export folder)', 'fatal'),
    );
    await expect(run(['--source', 'acme', '--export', join(out, 'missing')])).rejects.toThrow(`export folder ${join(out, 'missing')} does not exist`);
    await expect(run(['--source', 'acme'])).rejects.toThrow('discover: give exactly one of --export <dir> or --api <url>');
    await expect(run(['--source', 'acme', '--export', out, '--api', 'http://127.0.0.1:1'])).rejects.toThrow('give exactly one of');
    await expect(run(['--export', out])).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });

  it('asks for the API key, and names an API that does not answer', async () => {
    const saved = process.env.FERRY_SOURCE_API_KEY;
    delete process.env.FERRY_SOURCE_API_KEY;
    try {
      await expect(run(['--source', 'acme', '--api', 'http://127.0.0.1:1'])).rejects.toThrow('discover: --api needs the Acme fixture API key: --credential <key> or FERRY_SOURCE_API_KEY');
      await expect(run(['--source', 'acme', '--api', 'http://127.0.0.1:1', '--credential', 'k', '--out', out])).rejects.toThrow(
        /^acme API: cannot reach http:\/\/127\.0\.0\.1:1\/companies\?.* \(ECONNREFUSED\)/,
      );
    } finally {
      if (saved !== undefined) process.env.FERRY_SOURCE_API_KEY = saved;
    }
  });

  it('exits 1, inventory written, when an object could not be read', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'discover-empty-'));
    try {
      await run(['--source', 'acme', '--export', empty, '--out', out]);
      expect(process.exitCode).toBe(1);
      expect(stderr).toHaveBeenCalledWith(
        expect.stringMatching(/^ferry: 4 objects were not profiled: company \(.*companies\.ndjson.*\); contact \(.*\); deal \(.*\); workflow \(.*\); the inventory at .*discovery\.json has the rest\n$/),
      );
      expect(printed.join('\n')).toContain('problem: ');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('ferry discover exit codes over a CSV export', () => {
  const csv: DiscoverCommandDeps = { connectorFor: () => new CsvFixtureConnector(), tuning: { schemaFor: csvFixtureSchema } };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'discover-csv-'));
    writeFileSync(join(dir, 'people.csv'), 'Person ID,Name\np1,Ada\n');
    writeFileSync(join(dir, 'users.csv'), 'ID,Active\nu1,yes\n');
    writeFileSync(join(dir, 'notes.csv'), 'ID,Written\nn1,2024-01-01\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 when every object was profiled', async () => {
    await run(['--source', 'csv', '--export', dir, '--out', out], csv);
    expect(process.exitCode).toBeUndefined();
  });

  it('exits 1 naming an object refused for a missing column, with what to do', async () => {
    writeFileSync(join(dir, 'people.csv'), 'Name,Email\nAda,a@mail.example\n');
    await run(['--source', 'csv', '--export', dir, '--out', out], csv);
    expect(process.exitCode).toBe(1);
    expect(stderr).toHaveBeenCalledWith(
      `ferry: one object was not profiled: person (people.csv line 1: no column for required field id (the key of person records); the header has Name, Email; rename the column that holds it to "Person ID" or "id"; nothing in this file was read); the inventory at ${join(out, 'discovery.json')} has the rest\n`,
    );
    expect(printed.join('\n')).toContain('not profiled: person: people.csv line 1: no column for required field id');
  });

  it('exits 1 naming an object whose every row was rejected', async () => {
    writeFileSync(join(dir, 'notes.csv'), 'ID,Written\nn1,never\n,2024-01-01\n');
    await run(['--source', 'csv', '--export', dir, '--out', out], csv);
    expect(process.exitCode).toBe(1);
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^ferry: one object was not profiled: note \(all 2 of its rows were rejected \(BAD_TIMESTAMP 1, MISSING_VALUE 1\)\); the inventory at /));
  });
});
