import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorMessage, FerryError } from '@ferry/common';
import { loadSchema, type AvroSchema } from '@ferry/contracts';
import type { SourceConnector, SourceMessage, StreamDefinition } from '@ferry/connectors/core';
import { isSourceApiError, pollStream } from '@ferry/connectors/rest';
import { DuplicateFinder, normalEmail, normalPhone, type ContactKind } from './duplicate.finder';
import { FieldProfiler, type FieldSpec } from './field.profiler';
import { ReferenceChecker } from './reference.checker';
import { kindGroup, ShiftDetector } from './shift.detector';
import { phoneDigits, type ValueKind } from './value-kind.classifier';
import {
  DISCOVERY_FORMAT,
  type AutomationInventory,
  type DiscoveryInventory,
  type ObjectInventory,
} from './discovery.inventory';

export interface DiscoverOptions {
  system: string;
  /** an export drop to read (this or apiBaseUrl) */
  exportDir?: string;
  /** the source's REST API base URL (this or exportDir) */
  apiBaseUrl?: string;
  credential?: string;
  /** folder for discovery.json; default ./ferry-discovery/<system>-<timestamp>/ */
  out?: string;
}

export interface DiscoverTuning {
  /** Avro record of a stream; default schemas/<system>/<stream>.avsc, null when there is none */
  schemaFor?: (stream: string) => AvroSchema | null;
  /** distinct values counted exactly per field before the sketch takes over */
  distinctCap?: number;
  /** values a spill buffers before it sorts them into a run file */
  spillBuffer?: number;
  /** where spill files go (a fresh folder inside it, removed afterwards); default the OS temp folder */
  tempDir?: string;
  /** reads one stream of the source's API; default one full pass of the REST poller */
  apiReader?: ApiStreamReader;
  /** called as each object finishes, and every 100,000 records */
  onProgress?: (event: { object: string; records: number; done: boolean }) => void;
  now?: () => Date;
}

/** Reads one stream from the source's API as connector messages. */
export type ApiStreamReader = (connector: SourceConnector, stream: StreamDefinition, api: { baseUrl: string; credential?: string }) => AsyncIterable<SourceMessage>;

export interface DiscoverResult {
  inventory: DiscoveryInventory;
  /** the discovery.json written */
  file: string;
}

export const FIRST_REJECTS = 5;

const MESSAGE_PARTY = /(^|[_\s-])(from|to|cc|bcc|sender|recipients?|reply_to)($|[_\s-])/i;

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** One full pass of the REST poller over a stream (no watermark: every record the API lists). */
export const pollApi: ApiStreamReader = (connector, stream, api) =>
  pollStream({ baseUrl: api.baseUrl, credential: api.credential ?? '', connector, stream: stream.name });

function defaultSchema(system: string): (stream: string) => AvroSchema | null {
  return (stream) => {
    try {
      return loadSchema(`${system}/${stream}.avsc`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };
}

/** The declared type of an Avro field, with a nullable union unwrapped. */
function declaredType(type: unknown): { declared: string; logical: FieldSpec['logical'] } {
  if (Array.isArray(type)) {
    const inner = type.filter((t) => t !== 'null');
    return inner.length === 1 ? declaredType(inner[0]) : { declared: 'union', logical: null };
  }
  if (typeof type === 'string') return { declared: type, logical: null };
  const t = type as { type?: unknown; logicalType?: string };
  if (t.logicalType === 'date') return { declared: 'date', logical: 'date' };
  if (t.logicalType === 'timestamp-millis') return { declared: 'timestamp-millis', logical: 'timestamp' };
  if (t.logicalType) return { declared: t.logicalType, logical: null };
  return { declared: typeof t.type === 'string' ? t.type : 'complex', logical: null };
}

function checkOptions(o: DiscoverOptions): { kind: 'export' | 'api'; location: string } {
  if (!!o.exportDir === !!o.apiBaseUrl) throw new FerryError('USAGE', 'give exactly one of an export folder or an API base URL', 'fatal');
  if (o.exportDir) {
    const dir = path.resolve(o.exportDir);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      throw new FerryError('USAGE', `export folder ${dir} does not exist`, 'fatal');
    }
    if (!stat.isDirectory()) throw new FerryError('USAGE', `export folder ${dir} is a file, not a folder`, 'fatal');
    return { kind: 'export', location: dir };
  }
  let url: URL;
  try {
    url = new URL(o.apiBaseUrl!);
  } catch {
    throw new FerryError('USAGE', `API base URL "${o.apiBaseUrl}" is not a URL, e.g. https://api.example.com`, 'fatal');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FerryError('USAGE', `API base URL "${o.apiBaseUrl}" must start with http:// or https://`, 'fatal');
  return { kind: 'api', location: o.apiBaseUrl! };
}

/** One object's profilers and counters while its stream is read. */
class ObjectProfile {
  readonly fields = new Map<string, FieldProfiler>();
  readonly custom = new Map<string, FieldProfiler>();
  records = 0;
  deleted = 0;
  rejected: ObjectInventory['rejected'] = { count: 0, byCode: {}, first: [] };
  /** a reject that stopped the whole file (a missing column, a duplicated one, a workbook that cannot be read) */
  refused: string | null = null;
  /** the file as the folder spells it (Contacts.csv for contacts.csv), from the first row read */
  file: string | null = null;
  readonly shifts = new ShiftDetector((column) => this.profilerOf(column)?.dominantGroup() ?? null);

  constructor(
    readonly def: StreamDefinition,
    schema: AvroSchema | null,
    private readonly distinctCap: number,
  ) {
    const refs = new Set(def.references.map((r) => r.field));
    for (const f of (schema?.fields ?? []) as Array<{ name: string; type: unknown }>) {
      if (f.name === 'custom') continue;
      this.fields.set(f.name, new FieldProfiler({ name: f.name, custom: false, ...declaredType(f.type), role: this.role(f.name, refs) }, distinctCap));
    }
  }

  private role(name: string, refs: Set<string>): FieldSpec['role'] {
    return name === this.def.key ? 'key' : refs.has(name) ? 'reference' : null;
  }

  field(name: string): FieldProfiler {
    let p = this.fields.get(name);
    if (!p) {
      // not in the schema (or there is none): profile it from its values alone
      const role = this.role(name, new Set(this.def.references.map((r) => r.field)));
      this.fields.set(name, (p = new FieldProfiler({ name, custom: false, declared: 'undeclared', logical: null, role }, this.distinctCap)));
    }
    return p;
  }

  /** `custom.<label>` for a custom column, else the field */
  profilerOf(column: string): FieldProfiler | undefined {
    return column.startsWith('custom.') ? this.custom.get(column.slice(7)) : this.fields.get(column);
  }

  customField(name: string): FieldProfiler {
    let p = this.custom.get(name);
    if (!p) this.custom.set(name, (p = new FieldProfiler({ name, custom: true, declared: 'custom', logical: null, role: null }, this.distinctCap)));
    return p;
  }
}

/** Inventories a source through the given connector (tests pass their own). */
export async function discoverSource(connector: SourceConnector, options: DiscoverOptions, tuning: DiscoverTuning = {}): Promise<DiscoverResult> {
  const source = checkOptions(options);
  const now = tuning.now ?? (() => new Date());
  const started = now();
  const schemaFor = tuning.schemaFor ?? defaultSchema(connector.system);
  const distinctCap = tuning.distinctCap ?? 10_000;
  const streams = connector.streams();
  const streamNames = new Set(streams.map((s) => s.name));
  const problems: string[] = [];
  const warnings: string[] = [];
  if (source.kind === 'export') {
    try {
      const check = await connector.checkExport(source.location);
      problems.push(...check.problems);
      warnings.push(...(check.warnings ?? []));
    } catch (e) {
      // the objects are still tried one by one; each says what stopped it
      problems.push(`the export check failed: ${errorMessage(e)}`);
    }
  }
  const apiReader = tuning.apiReader ?? pollApi;

  const tmp = fs.mkdtempSync(path.join(tuning.tempDir ?? os.tmpdir(), 'ferry-discovery-'));
  const refs = new ReferenceChecker(tmp, tuning.spillBuffer);
  const dups = new DuplicateFinder(tmp, tuning.spillBuffer);
  const objects: ObjectInventory[] = [];
  const automations: AutomationInventory[] = [];
  const notRead = new Map<string, string>();
  try {
    for (const def of streams) {
      const location = source.kind === 'export' ? def.export?.file ?? null : def.api?.path ?? null;
      const base = { name: def.name, description: def.description, key: def.key, cursor: def.cursor, location };
      if (location === null) {
        const note = source.kind === 'export' ? 'not in the export: read it from the API' : 'not offered by the API';
        notRead.set(def.name, note);
        objects.push({ ...base, note, error: null, ...emptyCounts() });
        continue;
      }
      const profile = new ObjectProfile(def, schemaFor(def.name), distinctCap);
      for (const r of def.references) refs.declare(def.name, r.field, r.object);
      let error: string | null = null;
      try {
        const messages =
          source.kind === 'export'
            ? connector.readExport(source.location, def.name)
            : apiReader(connector, def, { baseUrl: source.location, credential: options.credential });
        for await (const m of messages) {
          if (m.type !== 'state' && profile.file === null && m.origin.file !== undefined) profile.file = m.origin.file;
          if (m.type === 'record') {
            readRecord(profile, m, refs, dups, connector, automations, problems);
            if (profile.records % 100_000 === 0) tuning.onProgress?.({ object: def.name, records: profile.records, done: false });
          } else if (m.type === 'reject') {
            const r = profile.rejected;
            r.count++;
            r.byCode[m.code] = (r.byCode[m.code] ?? 0) + 1;
            if (r.first.length < FIRST_REJECTS) r.first.push({ code: m.code, reason: m.reason, file: m.origin.file ?? m.origin.resource ?? null, line: m.origin.line ?? null });
            if (FILE_LEVEL.has(m.code) && m.raw === null) profile.refused ??= m.reason;
          }
        }
      } catch (e) {
        // no answer at all, or a refused credential, is the same for every object: stop with one line
        if (isSourceApiError(e) && (e.code === 'SOURCE_API_UNREACHABLE' || e.code === 'SOURCE_API_AUTH')) throw e;
        error = errorMessage(e);
        if (profile.records === 0) notRead.set(def.name, `${def.name} could not be read: ${error}`);
      }
      // an object that could not be read at all has no key set: references to it are not checked
      if (error === null || profile.records > 0) refs.object(def.name);
      refs.seal(def.name);
      tuning.onProgress?.({ object: def.name, records: profile.records, done: true });
      objects.push(await summarize(profile, base, error, refs, dups));
    }
    const references = (
      await refs.references((target) =>
        notRead.get(target) ?? (streamNames.has(target) ? `${target} was not read` : `${target} is not an object of ${connector.displayName}; its keys cannot be checked here`),
      )
    ).filter((r) => !notRead.has(r.object)); // an object read in no part says nothing about its references
    const finished = now();
    const inventory: DiscoveryInventory = {
      format: DISCOVERY_FORMAT,
      system: connector.system,
      displayName: connector.displayName,
      source,
      startedAt: started.toISOString(),
      seconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
      problems,
      ...(warnings.length > 0 ? { warnings } : {}),
      totals: {
        objects: objects.filter((o) => o.location !== null && (o.error === null || o.records > 0)).length,
        records: objects.reduce((n, o) => n + o.records, 0),
        rejected: objects.reduce((n, o) => n + o.rejected.count, 0),
        automations: automations.length,
      },
      objects,
      references,
      automations,
      method: {
        distinct: `exact up to ${distinctCap.toLocaleString('en-US')} values per field, then a HyperLogLog estimate (2^14 one-byte registers, standard error about 0.8%)`,
        orphans: 'keys and reference values sorted on disk (external merge sort in a temporary folder), then one merge-join per reference',
        duplicates: 'lower-cased emails and the last ten digits of phone numbers sorted on disk with their record numbers, then grouped',
      },
    };
    const outDir = path.resolve(options.out ?? path.join('ferry-discovery', `${connector.system}-${stamp(started)}`));
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'discovery.json');
    fs.writeFileSync(file, `${JSON.stringify(inventory, null, 2)}\n`);
    return { inventory, file };
  } finally {
    refs.dispose();
    dups.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function emptyCounts() {
  return {
    records: 0,
    deleted: 0,
    rejected: { count: 0, byCode: {}, first: [] },
    keys: { missing: 0, duplicateKeys: 0, duplicateRecords: 0 },
    duplicates: { fields: [], email: { values: 0, records: 0, examples: [] }, phone: { values: 0, records: 0, examples: [] }, records: 0 },
    fields: [],
  };
}

/** Rejects that stop a whole file: nothing after them was read. */
const FILE_LEVEL = new Set(['MISSING_COLUMN', 'DUPLICATE_COLUMN', 'BAD_XLSX']);

function readRecord(
  profile: ObjectProfile,
  m: Extract<SourceMessage, { type: 'record' }>,
  refs: ReferenceChecker,
  dups: DuplicateFinder,
  connector: SourceConnector,
  automations: AutomationInventory[],
  problems: string[],
): void {
  const def = profile.def;
  const record = m.record;
  const ordinal = profile.records++;
  if (m.deleted === true) {
    // a tombstone carries its key and little else: it says nothing about fill rates
    profile.deleted++;
    return;
  }
  refs.addKey(def.name, record[def.key]);
  for (const r of def.references) refs.addReference(def.name, r.field, r.object, record[r.field]);
  const kinds = new Map<string, ValueKind | null>();
  for (const p of profile.fields.values()) kinds.set(p.spec.name, contact(p, record[p.spec.name], def.name, p.spec.name, ordinal, dups));
  for (const name in record) {
    if (name === 'custom' || profile.fields.has(name)) continue;
    kinds.set(name, contact(profile.field(name), record[name], def.name, name, ordinal, dups));
  }
  const custom = record.custom;
  if (custom && typeof custom === 'object') {
    for (const [name, value] of Object.entries(custom as Record<string, unknown>)) {
      kinds.set(`custom.${name}`, contact(profile.customField(name), value, def.name, `custom.${name}`, ordinal, dups));
    }
  }
  const line = m.origin.line ?? null;
  for (const issue of m.issues ?? []) {
    if (issue.code === 'REPAIRED_ENCODING') profile.field(issue.field).addRepaired(line, issue.value, String(record[issue.field] ?? ''));
    else profile.field(issue.field).addEmptied({ code: issue.code, value: issue.value, problem: issue.problem, line });
  }
  const columns = m.columns ?? [...kinds.keys()];
  profile.shifts.add(
    line,
    columns,
    columns.map((c) => {
      const k = kinds.get(c);
      return k ? kindGroup(k) : null;
    }),
  );
  let found: ReturnType<SourceConnector['automations']>;
  try {
    found = connector.automations(def.name, record);
  } catch (e) {
    // one unreadable rule must not hide the rest of the object
    problems.push(`${def.name} ${String(record[def.key])}: its automations could not be read: ${errorMessage(e)}`);
    return;
  }
  for (const a of found) automations.push({ stream: def.name, ...a });
}

/**
 * Profiles one value, and spills it when it may turn out to be the record's own email or phone; the field's
 * final type decides whether the spill is used.
 */
function contact(p: FieldProfiler, value: unknown, object: string, field: string, ordinal: number, dups: DuplicateFinder): ValueKind | null {
  const kind = p.add(value);
  if (kind === 'email') dups.add(object, field, 'email', normalEmail(String(value)), ordinal);
  else if (kind === 'phone' || ((kind === 'integer' || kind === 'text') && p.phoneNamed)) {
    const digits = phoneDigits(String(value).trim());
    if (digits) dups.add(object, field, 'phone', normalPhone(digits), ordinal);
  }
  return kind;
}

async function summarize(
  profile: ObjectProfile,
  base: Pick<ObjectInventory, 'name' | 'description' | 'key' | 'cursor' | 'location'>,
  error: string | null,
  refs: ReferenceChecker,
  dups: DuplicateFinder,
): Promise<ObjectInventory> {
  const live = profile.records - profile.deleted;
  const shifted = profile.shifts.result();
  const r = profile.rejected;
  const refused =
    profile.refused ??
    (profile.records === 0 && r.count > 0
      ? `all ${r.count.toLocaleString('en-US')} of its rows were rejected (${Object.entries(r.byCode).map(([c, k]) => `${c} ${k}`).join(', ')})`
      : null);
  const fields = [...profile.fields.values(), ...profile.custom.values()].map((p) => p.result(live));
  // a record's own address or number: mostly unique values (an owner's email repeats on every record it owns),
  // and not the sender or recipients of a message
  const compared: Array<{ name: string; kind: ContactKind }> = fields
    .filter((f) => (f.type === 'email' || f.type === 'phone') && f.distinct * 2 >= f.filled && !MESSAGE_PARTY.test(f.name))
    .map((f) => ({ name: f.custom ? `custom.${f.name}` : f.name, kind: f.type as ContactKind }));
  return {
    ...base,
    location: profile.file ?? base.location,
    note: error && profile.records > 0 ? `reading stopped after ${profile.records} records` : null,
    error,
    records: profile.records,
    deleted: profile.deleted,
    rejected: profile.rejected,
    keys: await refs.keyReport(profile.def.name),
    duplicates: await dups.report(profile.def.name, compared),
    fields,
    ...(shifted.rows > 0 ? { shifted } : {}),
    refused,
  };
}
