import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { WriteItem } from '@ferry/destinations/core';
import { buildBatchResponse, isChangeSet, parseBatchRequest } from './batch.codec';
import { DataverseClient } from './dataverse.client';
import { DynamicsDestination } from './dynamics.destination';

/**
 * A scripted org with one table, contact: it keeps the records it was given by key, answers bulk messages all or
 * nothing as a standard table does, and $batch part by part. `refuseBulk` makes it answer every bulk message as a
 * table without them; `tooLong` names keys whose lastname it refuses.
 */
class ScriptedOrg {
  readonly calls: { method: string; path: string; body: string }[] = [];
  readonly records = new Map<string, { id: string; lastname?: unknown }>();
  refuseBulk = false;
  tooLong = new Set<string>();
  private seq = 0;

  handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = decodeURIComponent((req.url ?? '').replace(/^\/api\/data\/v9\.2\//, ''));
    if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
    this.calls.push({ method: req.method ?? '', path, body });
    if (path.startsWith("EntityDefinitions(LogicalName='contact')")) {
      return json(res, 200, {
        LogicalName: 'contact',
        EntitySetName: 'contacts',
        PrimaryIdAttribute: 'contactid',
        PrimaryNameAttribute: 'fullname',
        Attributes: [
          { LogicalName: 'contactid', AttributeType: 'Uniqueidentifier' },
          { LogicalName: 'lastname', AttributeType: 'String', MaxLength: 5 },
          { LogicalName: 'crm_sourceid', AttributeType: 'String' },
        ],
        Keys: [{ LogicalName: 'crm_sourceid_key', KeyAttributes: ['crm_sourceid'], EntityKeyIndexStatus: 'Active' }],
      });
    }
    const bulk = /^contacts\/Microsoft\.Dynamics\.CRM\.(\w+Multiple)$/.exec(path);
    if (bulk) return this.bulk(res, bulk[1], JSON.parse(body) as { Targets: Record<string, unknown>[] });
    if (path === '$batch') return this.batch(req, res, body);
    if (req.method === 'GET' && path.startsWith('contacts?')) {
      const value = [...this.records].filter(([k]) => path.includes(`'${k}'`)).map(([k, r]) => ({ contactid: r.id, crm_sourceid: k }));
      return json(res, 200, { value });
    }
    json(res, 404, { error: { code: '0x8006088a', message: `Resource not found for the segment '${path}'.` } });
  }

  private bulk(res: ServerResponse, message: string, payload: { Targets: Record<string, unknown>[] }): void {
    if (this.refuseBulk) {
      return json(res, 400, { error: { code: '0x0', message: `The '${message}' method does not support entities of type 'contact'. MessageProcessorCache returned MessageProcessor.Empty.` } });
    }
    const keys = payload.Targets.map((t) => {
      expect(t['@odata.type']).toBe('Microsoft.Dynamics.CRM.contact');
      return message === 'CreateMultiple' ? String(t.crm_sourceid) : /crm_sourceid='(.*)'\)$/.exec(String(t['@odata.id']))![1];
    });
    const bad = keys.find((k) => this.tooLong.has(k));
    if (bad) return json(res, 400, { error: { code: '0x80044331', message: `lastname of ${bad} is too long` } });
    const ids = payload.Targets.map((t, n) => this.write(keys[n], t).id);
    if (message === 'CreateMultiple') return json(res, 200, { Ids: ids });
    res.writeHead(204).end();
  }

  private batch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const parts = parseBatchRequest(req.headers['content-type'], body).map((entry) => {
      if (isChangeSet(entry)) throw new Error('no change sets expected');
      if (entry.method === 'GET') {
        const value = [...this.records].filter(([k]) => decodeURIComponent(entry.url).includes(`'${k}'`)).map(([k, r]) => ({ contactid: r.id, crm_sourceid: k }));
        return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value }) };
      }
      expect(req.headers.prefer).toBe('odata.continue-on-error');
      const key = /crm_sourceid='(.*)'\)/.exec(entry.url)![1];
      if (this.tooLong.has(key)) {
        return { status: 400, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: { code: '0x80044331', message: `lastname of ${key} is too long` } }) };
      }
      const existed = this.records.has(key);
      const r = this.write(key, JSON.parse(entry.body) as Record<string, unknown>);
      return { status: existed ? 200 : 201, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ contactid: r.id }) };
    });
    const out = buildBatchResponse(parts);
    res.writeHead(200, { 'Content-Type': out.contentType }).end(out.body);
  }

  private write(key: string, target: Record<string, unknown>): { id: string } {
    const r = this.records.get(key) ?? { id: `00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}` };
    r.lastname = target.lastname;
    this.records.set(key, r);
    return r;
  }

  count(kind: string): number {
    return this.calls.filter((c) => c.path.endsWith(kind)).length;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const item = (key: string, lastname: string): WriteItem => ({ key, columns: { lastname: { type: 'string', value: lastname } }, lookups: [], ownerId: null, merge: 'last-wins' });

describe('DynamicsDestination writes', () => {
  let server: Server;
  let org: ScriptedOrg;
  let destination: DynamicsDestination;

  beforeEach(async () => {
    org = new ScriptedOrg();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        try {
          org.handle(req, res, body);
        } catch (e) {
          json(res, 500, { error: { code: 'test', message: String(e) } });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DataverseClient({ baseUrl: `${url}/api/data/v9.2`, tokenUrl: `${url}/token`, clientId: 'id', clientSecret: 's', scope: `${url}/.default`, backoffBaseMs: 10, maxRetries: 0 });
    destination = new DynamicsDestination(client, { keyColumn: 'crm_sourceid' });
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('creates new keys with CreateMultiple and upserts known ones with UpsertMultiple, one request each', async () => {
    org.records.set('C2', { id: '22222222-2222-4222-8222-222222222222' });
    const before = new Map([['C2', { contactid: '22222222-2222-4222-8222-222222222222', crm_sourceid: 'C2' }]]);
    const results = await destination.upsertMany('contact', [item('C1', 'Lee'), item('C2', 'Kim'), item('C3', 'Ode')], { before });
    expect(results).toEqual([
      { key: 'C1', ok: true, id: org.records.get('C1')!.id, created: true },
      { key: 'C2', ok: true, id: '22222222-2222-4222-8222-222222222222', created: false },
      { key: 'C3', ok: true, id: org.records.get('C3')!.id, created: true },
    ]);
    expect(org.count('CreateMultiple')).toBe(1);
    expect(org.count('UpsertMultiple')).toBe(1);
    expect(org.count('$batch')).toBe(0);
    const upsert = JSON.parse(org.calls.find((c) => c.path.endsWith('UpsertMultiple'))!.body) as { Targets: unknown[] };
    expect(upsert.Targets).toEqual([{ '@odata.type': 'Microsoft.Dynamics.CRM.contact', '@odata.id': "contacts(crm_sourceid='C2')", lastname: 'Kim' }]);
    expect(org.records.get('C2')!.lastname).toBe('Kim');
  });

  it('asks which keys exist when the caller does not say', async () => {
    org.records.set('C2', { id: '22222222-2222-4222-8222-222222222222' });
    const results = await destination.upsertMany('contact', [item('C1', 'Lee'), item('C2', 'Kim')]);
    expect(results.map((r) => r.ok && r.created)).toEqual([true, false]);
    expect(org.calls.filter((c) => c.method === 'GET' && c.path.startsWith('contacts?'))).toHaveLength(1);
  });

  it('writes a chunk whose bulk call failed again through $batch, so each record gets its own result', async () => {
    org.tooLong.add('C2');
    const results = await destination.upsertMany('contact', [item('C1', 'Lee'), item('C2', 'Kimberly'), item('C3', 'Ode')], { before: new Map() });
    expect(results).toEqual([
      { key: 'C1', ok: true, id: org.records.get('C1')!.id, created: true },
      { key: 'C2', ok: false, code: '0x80044331', message: 'lastname of C2 is too long' },
      { key: 'C3', ok: true, id: org.records.get('C3')!.id, created: true },
    ]);
    expect(org.count('CreateMultiple')).toBe(1);
    expect(org.count('$batch')).toBe(1);
    expect(org.records.has('C2')).toBe(false);
    expect(destination.bulkCounts).toEqual({ records: 0, fallbacks: 3 });
    // A record's own fault says nothing about the table: the next chunk goes in bulk again.
    org.tooLong.clear();
    await destination.upsertMany('contact', [item('C4', 'Ray')], { before: new Map() });
    expect(org.count('CreateMultiple')).toBe(2);
    expect(destination.bulkSupported('contact')).toBe(true);
  });

  it('keeps the half of a chunk its bulk call wrote and sends only the other half through $batch', async () => {
    org.records.set('C2', { id: '22222222-2222-4222-8222-222222222222' });
    org.tooLong.add('C2');
    const before = new Map([['C2', { contactid: '22222222-2222-4222-8222-222222222222', crm_sourceid: 'C2' }]]);
    const results = await destination.upsertMany('contact', [item('C1', 'Lee'), item('C2', 'Kimberly')], { before });
    expect(results).toEqual([
      { key: 'C1', ok: true, id: org.records.get('C1')!.id, created: true },
      { key: 'C2', ok: false, code: '0x80044331', message: 'lastname of C2 is too long' },
    ]);
    const batch = org.calls.filter((c) => c.path === '$batch');
    expect(batch).toHaveLength(1);
    expect(batch[0].body).not.toContain("crm_sourceid='C1'");
  });

  it('learns once that a table refuses bulk messages and writes it through $batch from then on', async () => {
    org.refuseBulk = true;
    const first = await destination.upsertMany('contact', [item('C1', 'Lee')], { before: new Map() });
    expect(first).toEqual([{ key: 'C1', ok: true, id: org.records.get('C1')!.id, created: true }]);
    expect(destination.bulkSupported('contact')).toBe(false);
    const second = await destination.upsertMany('contact', [item('C1', 'Lea'), item('C2', 'Kim')], { before: new Map() });
    expect(second.map((r) => r.ok && r.created)).toEqual([false, true]);
    expect(org.count('CreateMultiple')).toBe(1);
    expect(org.count('$batch')).toBe(2);
  });

  it('sends a record with a file body or parties, or a key no URL can address, through $batch', async () => {
    const file: WriteItem = { ...item('C1', 'Lee'), columns: { documentbody: { type: 'file', value: 'aGVsbG8=' } } };
    const results = await destination.upsertMany('contact', [file, item('C/2', 'Kim')], { before: new Map() });
    expect(results[0]).toMatchObject({ key: 'C1', ok: true, created: true });
    expect(results[1]).toMatchObject({ key: 'C/2', ok: false, code: 'UnaddressableKey' });
    expect(org.count('Multiple')).toBe(0);
  });

  it('reads the before-images of a 1000-record chunk in one request, inside a $batch since its URL is long', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `CONTACT-KEY-${String(i).padStart(6, '0')}`);
    org.records.set(keys[999], { id: '99999999-9999-4999-8999-999999999999' });
    const before = await destination.readBefore('contact', keys, ['lastname']);
    expect([...before.keys()]).toEqual([keys[999]]);
    expect(org.calls.filter((c) => c.path !== "EntityDefinitions(LogicalName='contact')").map((c) => `${c.method} ${c.path}`)).toEqual(['POST $batch']);
    expect(destination.limits.loadBatch).toBe(1000);
  });

  it('writes through $batch only when bulk messages are switched off', async () => {
    const off = new DynamicsDestination(destination.client, { keyColumn: 'crm_sourceid', bulk: false });
    await off.upsertMany('contact', [item('C1', 'Lee')], { before: new Map() });
    expect(org.count('Multiple')).toBe(0);
    expect(org.count('$batch')).toBe(1);
    expect(off.limits.loadBatch).toBe(200);
  });
});
