import { createHash } from 'crypto';
import { Connection } from 'jsforce';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { consumerGroups, type RoutePlan } from '@ferry/contracts';
import { createKafka } from '@ferry/kafka';
import { assertAlive, groupLag, replayPhase } from '@ferry/ops';
import { expectGoldenRows, GoldenStack, startGoldenStack, stopGoldenStack } from './support/golden-route';
import { connectOrg, queryAll } from './support/salesforce-org';
import { settled } from './support/settle';

/**
 * Planports → Salesforce: the committed Planports export (test/fixtures/routes/planports, 400 records) goes through
 * all five services into the Salesforce sandbox, and every row of every object the plan writes, read back with
 * jsforce through SOQL, is exactly test/fixtures/routes/planports-salesforce.rows.json. Ids are replaced by the
 * Ferry key of the row they point at (`account:<key>`), users by their e-mail, record types by DeveloperName, file
 * bodies by length and digest; fields the org stamps itself are left out. Rows several source records merge into
 * pin the row and its key but not which contributor's values won (see route-golden.it.ts).
 * FERRY_UPDATE_GOLDEN=1 rewrites the golden file. A second pass replays the load topics and checks the org unchanged.
 */
const ROUTE = 'planports-salesforce';
const PORT = 18164;
/** Stamped by the org on each write, or derived by it from other fields. */
const STAMPED = new Set([
  'Id', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'IsDeleted', 'LastActivityDate', 'LastViewedDate',
  'LastReferencedDate', 'OrderNumber', 'LineNumber', 'ContractNumber', 'CaseNumber', 'QuoteNumber', 'ContentDocumentId', 'VersionNumber', 'IsLatest',
  'ContentSize', 'ContentModifiedDate', 'ContentBodyId', 'Checksum', 'FileType', 'FileExtension', 'ContentUrl', 'TotalAmount', 'TotalPrice', 'Subtotal',
  'GrandTotal', 'ListPrice', 'EndDate', 'OrderItemNumber',
]);
const SF_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

type Row = Record<string, unknown>;

describe(`${ROUTE}: a committed export lands in the Salesforce sandbox as exactly the golden rows`, () => {
  const kafka = createKafka({ brokers: loadConfig([settings.kafka]).KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  let g: GoldenStack;

  beforeAll(async () => {
    g = await startGoldenStack(ROUTE, 'planports', PORT);
  }, 240_000);

  afterAll(() => stopGoldenStack(g ?? {}));

  it('reconciles, and the org holds the golden rows', () => expectGoldenRows(g, ROUTE, (merged) => orgRows(g.stack.sandboxUrl, g.plan, merged)), 480_000);

  it('replaying the load phase writes every record again and leaves the org unchanged', async () => {
    const { db, admin, plan, migration, stack } = g;
    const before = await orgRows(stack.sandboxUrl, plan, new Set());
    const audited = async () => Number((await db.query(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1`, [migration]))[0].n);
    const writes = await audited();
    await replayPhase(kafka, plan, migration, 'load', { kind: 'beginning' });
    await pollUntil(
      async () => {
        assertAlive(stack.services);
        const lag = (await groupLag(admin, plan, migration)).find((x) => x.group === consumerGroups.load(migration));
        return (await audited()) > writes && lag?.totalLag === 0;
      },
      { timeoutMs: 240_000, intervalMs: 1000, what: 'the replayed load phase to reach the org' },
    );
    await settled({ db, admin, plan, migration, services: stack.services }, 240_000, `${ROUTE} to settle after the replay`);
    expect(await orgRows(stack.sandboxUrl, plan, new Set())).toEqual(before);
  }, 480_000);
});

/** A file body read through its VersionData URL, as its length and digest. */
async function body(conn: Connection, url: string): Promise<string> {
  const res = await fetch(`${conn.instanceUrl}${url}`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/**
 * Every row of every object the plan writes, read back with SOQL, with the org's own ids replaced by what Ferry
 * keys the rows by, so the result does not depend on the ids the sandbox made up.
 */
async function orgRows(sandboxUrl: string, plan: RoutePlan, merged: Set<string>): Promise<Record<string, Row[]>> {
  const conn = await connectOrg(sandboxUrl);
  const names = new Map<string, string>();
  for (const u of await queryAll(conn, 'SELECT Id, Email FROM User')) names.set(String(u.Id), `user:${String(u.Email)}`);
  for (const r of await queryAll(conn, 'SELECT Id, DeveloperName FROM RecordType')) names.set(String(r.Id), `recordtype:${String(r.DeveloperName)}`);
  for (const p of await queryAll(conn, 'SELECT Id, Name FROM Pricebook2')) names.set(String(p.Id), `pricebook2:${String(p.Name)}`);
  const raw = new Map<string, { key: string; rows: Row[] }>();
  for (const { entity } of plan.entities) {
    const d = await conn.sobject(entity).describe();
    const key = d.fields.find((f) => f.name.toLowerCase() === plan.keyColumn)!.name;
    const fields = d.fields.filter((f) => !STAMPED.has(f.name) || f.name === 'Id').map((f) => f.name);
    const rows = await queryAll(conn, `SELECT ${fields.join(', ')} FROM ${d.name}`);
    for (const r of rows) names.set(String(r.Id), `${entity}:${String(r[key] ?? '?')}`);
    if (entity === 'contentversion') {
      for (const v of await queryAll(conn, `SELECT ContentDocumentId, ${key} FROM ContentVersion`)) names.set(String(v.ContentDocumentId), `contentdocument of ${entity}:${String(v[key])}`);
    }
    raw.set(entity, { key, rows });
  }
  const bodies = new Map<string, string>();
  for (const r of raw.get('contentversion')?.rows ?? []) if (typeof r.VersionData === 'string') bodies.set(r.VersionData, await body(conn, r.VersionData));
  const out: Record<string, Row[]> = {};
  for (const [entity, { key, rows }] of raw) {
    out[entity] = rows
      .map((r) => {
        const row: Row = {};
        const mergedRow = merged.has(`${entity}:${String(r[key])}`);
        for (const [k, v] of Object.entries(r).sort(([a], [b]) => a.localeCompare(b))) {
          if (k === 'attributes' || STAMPED.has(k) || v === null || v === undefined) continue;
          if (typeof v === 'string' && SF_ID.test(v) && names.has(v)) row[k] = names.get(v);
          else if (k === 'VersionData' && typeof v === 'string') row[k] = bodies.get(v);
          else row[k] = v;
          if (mergedRow && k !== key) row[k] = `(${typeof v}, from one of the merged records)`;
        }
        return row;
      })
      .sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  }
  return out;
}
