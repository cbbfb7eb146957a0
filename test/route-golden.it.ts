import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DataSource } from 'typeorm';
import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { createDestination } from '@ferry/destinations/registry';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { RouteStack, startRouteStack } from '@ferry/ops';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import { settled } from './support/settle';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

/**
 * Per Dynamics route: a committed export (test/fixtures/routes/<source>, 400 records over every object, written by
 * the source's generator with seed 11) goes through all five services into the sandbox, and the rows the sandbox
 * then holds are exactly the golden file test/fixtures/routes/<route>.rows.json. Ids the destination makes up are
 * replaced by what Ferry keys the row by (`account:<key>`), users by their domain name, file bodies by length and
 * digest; timestamps the destination stamps itself are left out. FERRY_UPDATE_GOLDEN=1 rewrites the golden files.
 *
 * A row several source records merge into (an entry whose key is an expression: company names → one account) takes
 * each column from whichever contributor was written last (or last with a value, `non-empty-wins`), and which one that is depends on how
 * the partitions interleave: for those rows the golden file pins the row and its key, and only that the columns are
 * filled, not which contributor's value they hold.
 */
const cfg = loadConfig([settings.kafka]);
const fixtures = path.join(__dirname, 'fixtures', 'routes');
const ROUTES: Array<[string, string, number]> = [
  ['leaf360-dynamics', 'leaf360', 18160],
  ['planports-dynamics', 'planports', 18161],
  ['profi-dynamics', 'profi', 18162],
  ['interactive-dynamics', 'interactive', 18163],
];
/** Stamped by the destination on each write, or derived by it from other columns. */
const STAMPED = new Set(['createdon', 'modifiedon', 'versionnumber', 'timezoneruleversionnumber', 'utcconversiontimezonecode', 'importsequencenumber']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = Record<string, unknown>;

describe.each(ROUTES)('%s: a committed export lands as exactly the golden destination rows', (route, source, port) => {
  const migration = uniqueMigration(`golden-${source}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `ferry-golden-${source}-`));
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  let db: DataSource;
  let stack: RouteStack;
  let plan: RoutePlan;

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    const exportDir = path.join(workDir, 'export');
    fs.cpSync(path.join(fixtures, source), exportDir, { recursive: true });
    const draft = await draftFromTemplate(db, migration, route, 'golden test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'golden test');
    plan = (await confirmedMap(db, migration))!.plan;
    stack = await startRouteStack(
      {
        plan, migration, exportDir, logDir: path.join(workDir, 'logs'), sandboxPort: port, databaseUrl: testDatabaseUrl(),
        kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
        beforeServices: async (env) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
          await destination.applySchema(await destination.planSchema(plan));
        },
      },
      db,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await admin.disconnect();
    await db?.destroy();
  });

  it('reconciles, and the sandbox holds the golden rows', async () => {
    const result = await settled({ db, admin, plan, migration, services: stack.services }, 420_000, `${route} to reconcile`);
    const made = await db.query(
      `SELECT entity || ':' || target_key AS id FROM ferry.target_source WHERE migration_id = $1 GROUP BY entity, target_key HAVING count(*) > 1`,
      [migration],
    );
    const merged = new Set<string>(made.map((r: { id: string }) => r.id));
    const rows = await destinationRows(stack.sandboxUrl, plan, merged);
    const actual = {
      route,
      counts: Object.fromEntries(result.entities.map((e) => [e.entity, { loaded: e.loaded, rejected: e.rejected, waiting: e.waiting }])),
      rows,
    };
    const file = path.join(fixtures, `${route}.rows.json`);
    if (process.env.FERRY_UPDATE_GOLDEN === '1') fs.writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
    const golden = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(actual.counts).toEqual(golden.counts);
    for (const entity of Object.keys(golden.rows)) expect({ entity, rows: actual.rows[entity] }).toEqual({ entity, rows: golden.rows[entity] });
    expect(Object.keys(actual.rows).sort()).toEqual(Object.keys(golden.rows).sort());
  }, 480_000);
});

/**
 * Every row of every entity the plan writes, read back through the Web API, with the destination's own ids replaced
 * by the keys Ferry gave the rows, so the result does not depend on the GUIDs the sandbox made up.
 */
async function destinationRows(sandboxUrl: string, plan: RoutePlan, merged: Set<string>): Promise<Record<string, Row[]>> {
  const client = new DataverseClient({
    baseUrl: `${sandboxUrl}/api/data/v9.2`,
    tokenUrl: `${sandboxUrl}/login/ferry-demo-tenant/oauth2/v2.0/token`,
    clientId: 'ferry-demo',
    clientSecret: 'ferry-demo-secret',
    scope: `${sandboxUrl}/.default`,
  });
  const names = new Map<string, string>();
  const raw = new Map<string, { primaryId: string; rows: Row[] }>();
  const describe = async (entity: string) =>
    (await client.request<{ EntitySetName: string; PrimaryIdAttribute: string }>({ method: 'GET', url: `EntityDefinitions(LogicalName='${entity}')` })).data;
  const users = await describe('systemuser');
  for await (const u of client.listAll(users.EntitySetName)) names.set(String(u.systemuserid), `systemuser:${String(u.domainname)}`);
  for (const { entity } of plan.entities) {
    const d = await describe(entity);
    const rows: Row[] = [];
    for await (const r of client.listAll(d.EntitySetName)) rows.push(r);
    for (const r of rows) names.set(String(r[d.PrimaryIdAttribute]), `${entity}:${String(r[plan.keyColumn] ?? '?')}`);
    raw.set(entity, { primaryId: d.PrimaryIdAttribute, rows });
  }
  const out: Record<string, Row[]> = {};
  for (const [entity, { primaryId, rows }] of raw) {
    out[entity] = rows
      .map((r) => {
        const row: Row = {};
        for (const [k, v] of Object.entries(r).sort(([a], [b]) => a.localeCompare(b))) {
          if (k === primaryId || k.startsWith('@') || k.includes('@OData') || STAMPED.has(k) || v === null) continue;
          if (typeof v === 'string' && GUID.test(v)) row[k] = names.get(v) ?? 'an id Ferry did not write';
          else if (k === 'documentbody' && typeof v === 'string') row[k] = `${v.length} base64 chars, sha256 ${createHash('sha256').update(v).digest('hex').slice(0, 16)}`;
          else row[k] = v;
          if (merged.has(`${entity}:${String(r[plan.keyColumn])}`) && k !== plan.keyColumn) row[k] = `(${typeof v}, from one of the merged records)`;
        }
        return row;
      })
      .sort((a, b) => String(a[plan.keyColumn]).localeCompare(String(b[plan.keyColumn])));
  }
  return out;
}
