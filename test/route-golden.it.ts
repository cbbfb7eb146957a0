import { createHash } from 'crypto';
import type { RoutePlan } from '@ferry/contracts';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { expectGoldenRows, GoldenStack, startGoldenStack, stopGoldenStack } from './support/golden-route';

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
  let g: GoldenStack;

  beforeAll(async () => {
    g = await startGoldenStack(route, source, port);
  }, 240_000);

  afterAll(() => stopGoldenStack(g ?? {}));

  it('reconciles, and the sandbox holds the golden rows', () => expectGoldenRows(g, route, (merged) => destinationRows(g.stack.sandboxUrl, g.plan, merged)), 480_000);
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
