import axios, { AxiosInstance } from 'axios';
import { Client } from 'pg';
import pino from 'pino';
import { CreateSandboxOptions, RunningSandbox, startSandbox } from '../../../apps/sandbox/src/sandbox.app';
import { buildBatchRequest, BatchRequestEntry, parseBatchResponse, ParsedBatchResponse } from '@ferry/destinations/dynamics';
import { DataverseClient, DataverseClientOptions } from '@ferry/destinations/dynamics';
import { testDatabaseUrl } from '../../support/it-env';

export interface TestSandbox extends RunningSandbox {
  /** Axios on the service root that never throws on a status. */
  api: AxiosInstance;
  token(): Promise<string>;
  /** Authenticated calls: path relative to the service root. */
  call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string>; data: any }>;
  batch(entries: BatchRequestEntry[] | string, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; raw: string; parts: ParsedBatchResponse[] }>;
  client(overrides?: Partial<DataverseClientOptions>): DataverseClient;
  stats(): Promise<Record<string, number>>;
  reset(): Promise<void>;
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pg.end();
  }
}

/** A sandbox on a free port, in a schema of its own that is dropped on close. */
export async function startTestSandbox(name: string, overrides: CreateSandboxOptions = {}): Promise<TestSandbox> {
  const databaseUrl = testDatabaseUrl();
  const schema = `sbx_it_${name}_${process.pid}`;
  await dropSchema(databaseUrl, schema);
  const sandbox = await startSandbox({
    port: 0,
    databaseUrl,
    schema,
    poolSize: 5,
    logger: pino({ level: process.env.SANDBOX_TEST_LOG_LEVEL ?? 'silent' }),
    ...overrides,
  });
  const api = axios.create({ baseURL: `${sandbox.apiUrl}/`, validateStatus: () => true, transformResponse: (d) => d });
  let cached: string | undefined;
  const token = async () => {
    if (!cached) {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sandbox.options.clientId,
        client_secret: sandbox.options.clientSecret,
        scope: `${sandbox.url}/.default`,
      });
      const res = await axios.post(sandbox.tokenUrl, form.toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      cached = res.data.access_token as string;
    }
    return cached;
  };
  const parse = (text: string) => {
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  };
  const lower = (h: object) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const harness: TestSandbox = {
    ...sandbox,
    api,
    token,
    async call(method, path, opts = {}) {
      const res = await api.request({
        method,
        url: path,
        data: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
        headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json', ...opts.headers },
      });
      return { status: res.status, headers: lower(res.headers), data: parse(res.data as string) };
    },
    async batch(entries, headers = {}) {
      const built = typeof entries === 'string' ? { contentType: headers['Content-Type'], body: entries } : buildBatchRequest(entries);
      const res = await api.post('$batch', built.body, {
        headers: { Authorization: `Bearer ${await token()}`, ...headers, 'Content-Type': built.contentType },
      });
      const h = lower(res.headers);
      const raw = res.data as string;
      const parts = /^multipart\/mixed/.test(h['content-type'] ?? '') ? parseBatchResponse(h['content-type'], raw) : [];
      return { status: res.status, headers: h, raw, parts };
    },
    client(o = {}) {
      return new DataverseClient({
        baseUrl: sandbox.apiUrl,
        tokenUrl: sandbox.tokenUrl,
        clientId: sandbox.options.clientId,
        clientSecret: sandbox.options.clientSecret,
        scope: `${sandbox.url}/.default`,
        ...o,
      });
    },
    async stats() {
      const res = await axios.get(`${sandbox.url}/_sandbox/stats`);
      return res.data.counts;
    },
    async reset() {
      await axios.post(`${sandbox.url}/_sandbox/reset`);
    },
    async close() {
      await sandbox.close();
      await dropSchema(databaseUrl, schema);
    },
  };
  return harness;
}
