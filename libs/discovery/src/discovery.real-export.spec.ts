import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CsvFixtureConnector, csvFixtureSchema } from '../fixtures/csv-fixture.connector';
import { discoveryInventorySchema, type DiscoveryInventory } from './discovery.inventory';
import { discoveryReport, unprofiledObjects } from './discovery.report';
import { discoverSource } from './discovery.service';

/** People as a Zoho-style export writes them: month-name dates, placeholders, a few rows shifted one column. */
function people(): string {
  const rows = ['Person ID,Name,Email,Phone,Born,Created,Postal Code'];
  for (let i = 1; i <= 60; i++) {
    const born = i === 7 ? 'sometime in May' : i === 8 ? 'N/A' : `${(i % 28) + 1} Apr 19${60 + (i % 30)}`;
    const created = `${String((i % 28) + 1).padStart(2, '0')}-0${(i % 9) + 1}-2021 0${i % 10}:${String(i % 60).padStart(2, '0')}`;
    let cells = [`p${i}`, `Person ${i}`, `person${i}@mail.example`, `+1 512 555 ${String(1000 + i)}`, born, created, String(i * 7).padStart(5, '0')];
    // shifted right by one from the second cell: the name is lost, the email lands under Name, the phone under Email…
    if (i === 30 || i === 45) cells = [cells[0], '', cells[2], cells[3], cells[4], cells[5], cells[6]].map((c, k, all) => (k >= 2 ? all[k - 1] : c)).slice(0, 7);
    rows.push(cells.join(','));
  }
  return `${rows.join('\n')}\n`;
}

let dir: string;
let out: string;
let inv: DiscoveryInventory;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'discovery-real-'));
  out = mkdtempSync(join(tmpdir(), 'discovery-real-out-'));
  writeFileSync(join(dir, 'People.CSV'), people());
  writeFileSync(join(dir, 'users.csv'), 'ID,E-mail\nu1,a@mail.example\nu2,b@mail.example\n');
  writeFileSync(join(dir, 'notes.csv'), 'ID,Written\nn1,never\nn2,soon\n');
  ({ inventory: inv } = await discoverSource(new CsvFixtureConnector(), { system: 'csv-fixture', exportDir: dir, out }, { schemaFor: csvFixtureSchema }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const obj = (name: string) => inv.objects.find((o) => o.name === name)!;
const field = (o: string, name: string) => obj(o).fields.find((f) => f.name === name)!;

describe('discover over an export of another CRM', () => {
  it('keeps every person, emptying the optional values that do not parse, and reads a file named in another case', () => {
    expect(discoveryInventorySchema.safeParse(inv).success).toBe(true);
    expect(obj('person')).toMatchObject({ location: 'People.CSV', records: 60, rejected: { count: 0 }, refused: null });
    expect(field('person', 'born')).toMatchObject({
      type: 'date',
      // line 8, and the phone numbers the two shifted rows put under Born
      emptied: {
        count: 3,
        byCode: { BAD_DATE: 3 },
        examples: [
          { line: 8, value: 'sometime in May', problem: expect.stringMatching(/^which is not a date/) },
          { line: 31, value: '+1 512 555 1030', problem: expect.stringMatching(/^which is not a date/) },
          { line: 46, value: '+1 512 555 1045', problem: expect.stringMatching(/^which is not a date/) },
        ],
      },
      placeholders: [{ value: 'N/A', count: 1 }],
    });
    expect(field('person', 'created').type).toBe('timestamp');
  });

  it('keeps postal codes as text and reports their leading zeros', () => {
    // two of the 60 are the shifted rows' creation times
    expect(field('person', 'Postal Code')).toMatchObject({ type: 'string', custom: true, notes: expect.arrayContaining(['58 values with leading zeros, kept as text']) });
  });

  it('flags the rows shifted one column, with their lines', () => {
    expect(obj('person').shifted).toEqual({
      rows: 2,
      examples: [
        // an email under Phone, a date and time under Postal Code (the phone under Born did not parse and was emptied)
        { line: 31, direction: 'right', columns: ['phone', 'custom.Postal Code'] },
        { line: 46, direction: 'right', columns: ['phone', 'custom.Postal Code'] },
      ],
    });
    expect(discoveryReport(inv)).toMatch(/rows whose values look shifted one column: 2; line 31 \(right: .*\), 46 \(right: /);
  });

  it('reads users without an active column as active, with a warning', () => {
    expect(obj('user')).toMatchObject({ records: 2, refused: null });
    expect(inv.warnings).toEqual(['users.csv line 1: no "active" column, so every user is read as active; add the column if that is not so']);
    expect(discoveryReport(inv)).toContain('warning: users.csv line 1: no "active" column');
  });

  it('names an object whose every row was rejected', () => {
    expect(obj('note').refused).toBe('all 2 of its rows were rejected (BAD_TIMESTAMP 2)');
    expect(unprofiledObjects(inv)).toEqual([{ name: 'note', why: 'all 2 of its rows were rejected (BAD_TIMESTAMP 2)' }]);
  });
});
