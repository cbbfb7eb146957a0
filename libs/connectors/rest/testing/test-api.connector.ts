import { once } from 'events';
import { createReadStream, createWriteStream, promises as fs, WriteStream } from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import {
  API_ONLY_DIR,
  type CheckResult,
  type ReadOptions,
  type SampleManifest,
  type SampleOptions,
  type SourceApiSpec,
  type SourceConnector,
  type SourceMessage,
  type SourceSystem,
  type StreamDefinition,
} from '@ferry/connectors/core';

/**
 * A two-stream connector for the source sandbox's and the REST poller's own tests and benchmark, so neither
 * depends on a real CRM's connector. Companies come from an NDJSON export file, contacts only from the API
 * (`api-only/contact.ndjson` in a generated folder). The API nests fields the way many real APIs do
 * (`{ id, attributes, updatedAt, custom_fields }`), so the item ↔ record mapping is real work.
 */

export interface TestCompany {
  company_id: string;
  name: string | null;
  industry: string | null;
  revenue: string | null;
  updated_at: number;
  custom: Record<string, string>;
}

export interface TestContact {
  contact_id: string;
  company_id: string | null;
  email: string | null;
  score: number | null;
  updated_at: number;
  custom: Record<string, string>;
}

export interface TestConnectorOptions {
  /** route segment and `system` of the connector; not one of the real CRMs */
  system: string;
  pagination: 'page' | 'cursor';
  maxPageSize?: number;
}

const STREAMS: StreamDefinition[] = [
  {
    name: 'company',
    key: 'company_id',
    cursor: 'updated_at',
    references: [],
    export: { file: 'companies.ndjson', format: 'ndjson' },
    api: { path: '/v2/companies' },
    description: 'companies (export and API)',
  },
  {
    name: 'contact',
    key: 'contact_id',
    cursor: 'updated_at',
    references: [{ field: 'company_id', object: 'company' }],
    api: { path: '/v2/contacts' },
    description: 'contacts (API only)',
  },
];

/** Fields of each stream besides key, cursor and custom. */
const FIELDS: Record<string, string[]> = {
  company: ['name', 'industry', 'revenue'],
  contact: ['company_id', 'email', 'score'],
};

export const TEST_BASE_TIME = Date.UTC(2024, 0, 1);

export function testApiConnector(options: TestConnectorOptions): SourceConnector {
  const max = options.maxPageSize ?? 50;
  const api: SourceApiSpec =
    options.pagination === 'page'
      ? {
          auth: { header: 'X-Api-Key' },
          pagination: { style: 'page', pageParam: 'page', sizeParam: 'per_page', maxPageSize: max, firstPage: 1 },
          modifiedSince: { param: 'updated_since', format: 'iso' },
          itemsPath: 'data',
          deletes: { includeParam: 'include_deleted', flagField: 'is_deleted' },
        }
      : {
          auth: { header: 'Authorization', scheme: 'Bearer' },
          pagination: { style: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', maxPageSize: max, nextCursorPath: 'meta.next_cursor' },
          modifiedSince: { param: 'modified_after', format: 'epoch-ms' },
          itemsPath: 'results',
          deletes: { includeParam: 'with_deleted', flagField: 'archived' },
        };

  const streamOf = (name: string): StreamDefinition => {
    const s = STREAMS.find((d) => d.name === name);
    if (!s) throw new Error(`${options.system} has no stream ${name}`);
    return s;
  };

  return {
    // The sandbox serves any connector by its `system`; test connectors use names no real CRM has.
    system: options.system as SourceSystem,
    displayName: `Test API (${options.pagination} pages)`,
    api,
    streams: () => STREAMS.map((s) => ({ ...s })),

    async checkExport(dir: string): Promise<CheckResult> {
      const problems: string[] = [];
      for (const s of STREAMS) {
        if (!s.export) continue;
        const file = path.join(dir, s.export.file);
        await fs.access(file).catch(() => problems.push(`${file} is missing`));
      }
      return { ok: problems.length === 0, problems };
    },

    readExport(dir: string, stream: string, opts: ReadOptions = {}): AsyncIterable<SourceMessage> {
      const def = streamOf(stream);
      if (!def.export) throw new Error(`${options.system} ${stream} is not in the export`);
      return readNdjson(path.join(dir, def.export.file), def, opts);
    },

    toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
      const def = streamOf(stream);
      const attributes: Record<string, unknown> = {};
      for (const f of FIELDS[stream]) if (f in record) attributes[f] = record[f];
      const updated = record[def.cursor as string];
      return {
        id: record[def.key],
        attributes,
        updatedAt: typeof updated === 'number' ? new Date(updated).toISOString() : null,
        custom_fields: record.custom ?? {},
      };
    },

    fromApiItem(stream: string, item: Record<string, unknown>) {
      const def = streamOf(stream);
      if (typeof item.id !== 'string' || item.id === '') return { code: 'MISSING_VALUE', reason: 'has no id' };
      if (item[api.deletes.flagField] === true && item.attributes === undefined) {
        // A bare tombstone, as many APIs send: the key, and the time when there is one.
        const record: Record<string, unknown> = { [def.key]: item.id, custom: {} };
        for (const f of FIELDS[stream]) record[f] = null;
        const at = typeof item.updatedAt === 'string' ? Date.parse(item.updatedAt) : NaN;
        record[def.cursor as string] = Number.isFinite(at) ? at : null;
        return { record };
      }
      const updated = typeof item.updatedAt === 'string' ? Date.parse(item.updatedAt) : NaN;
      if (!Number.isFinite(updated)) return { code: 'BAD_TIMESTAMP', reason: `updatedAt ${JSON.stringify(item.updatedAt ?? null)} is not an ISO 8601 time` };
      const attributes = (item.attributes ?? {}) as Record<string, unknown>;
      const record: Record<string, unknown> = { [def.key]: item.id };
      for (const f of FIELDS[stream]) record[f] = attributes[f] ?? null;
      if (stream === 'contact' && record.score !== null && !Number.isInteger(record.score)) {
        return { code: 'BAD_NUMBER', reason: `score ${JSON.stringify(record.score)} is not a whole number` };
      }
      record[def.cursor as string] = updated;
      record.custom = (item.custom_fields ?? {}) as Record<string, string>;
      return { record };
    },

    async generate(opts: SampleOptions): Promise<SampleManifest> {
      return writeTestSample(options.system as SourceSystem, opts);
    },

    automations: () => [],
  };
}

async function* readNdjson(file: string, def: StreamDefinition, opts: ReadOptions): AsyncIterable<SourceMessage> {
  const from = opts.state?.position ?? 1;
  const every = opts.stateEvery ?? 1000;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  let since = 0;
  for await (const text of lines) {
    line++;
    if (line < from || text.trim() === '') continue;
    const origin = { file: path.basename(file), line };
    try {
      const record = JSON.parse(text) as Record<string, unknown>;
      if (typeof record[def.key] !== 'string') {
        yield { type: 'reject', stream: def.name, origin, code: 'MISSING_VALUE', reason: `${origin.file} line ${line} has no ${def.key}`, raw: text };
      } else {
        yield { type: 'record', stream: def.name, record, origin };
      }
    } catch {
      yield { type: 'reject', stream: def.name, origin, code: 'BAD_JSON', reason: `${origin.file} line ${line} is not JSON`, raw: text };
    }
    if (++since >= every) {
      since = 0;
      yield { type: 'state', stream: def.name, state: { position: line + 1 } };
    }
  }
  yield { type: 'state', stream: def.name, state: { position: line + 1, complete: true } };
}

/** mulberry32 */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INDUSTRIES = ['Lending', 'Real estate', 'Insurance', 'Software', 'Retail', 'Health'];

export function testCompany(i: number, updatedAt: number, rnd: () => number = random(i)): TestCompany {
  return {
    company_id: `CO-${String(i).padStart(7, '0')}`,
    name: `Company ${i}`,
    industry: INDUSTRIES[Math.floor(rnd() * INDUSTRIES.length)],
    revenue: (Math.floor(rnd() * 10_000_000) / 100).toFixed(2),
    updated_at: updatedAt,
    custom: i % 3 === 0 ? { region: ['north', 'south', 'east'][i % 3] } : {},
  };
}

export function testContact(i: number, companies: number, updatedAt: number, rnd: () => number = random(i)): TestContact {
  return {
    contact_id: `CT-${String(i).padStart(7, '0')}`,
    company_id: companies > 0 ? `CO-${String(Math.floor(rnd() * companies)).padStart(7, '0')}` : null,
    email: `person${i}@example.com`,
    score: Math.floor(rnd() * 100),
    updated_at: updatedAt,
    custom: {},
  };
}

async function write(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/**
 * Writes a deterministic export: one company per four records, the rest contacts. Times step by a second from
 * 2024-01-01 with every fifth record sharing the previous one's millisecond.
 */
export async function writeTestSample(system: SourceSystem, opts: SampleOptions): Promise<SampleManifest> {
  const rnd = random(opts.seed);
  const companies = Math.max(1, Math.floor(opts.records / 4));
  const contacts = Math.max(0, opts.records - companies);
  await fs.mkdir(path.join(opts.out, API_ONLY_DIR), { recursive: true });
  let t = TEST_BASE_TIME;
  const next = (i: number) => (i % 5 === 4 ? t : (t += 1000 + Math.floor(rnd() * 1000)));
  const co = createWriteStream(path.join(opts.out, 'companies.ndjson'));
  for (let i = 0; i < companies; i++) await write(co, `${JSON.stringify(testCompany(i, next(i), rnd))}\n`);
  await close(co);
  const ct = createWriteStream(path.join(opts.out, API_ONLY_DIR, 'contact.ndjson'));
  for (let i = 0; i < contacts; i++) await write(ct, `${JSON.stringify(testContact(i, companies, next(i), rnd))}\n`);
  await close(ct);
  return { system, seed: opts.seed, counts: { company: companies, contact: contacts }, malformed: [], emptied: [], notes: {} };
}
