import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'fs';
import { mkdir } from 'fs/promises';
import { join } from 'path';
import { API_ONLY_DIR, badValueOutcome, csvField, isMalformedRow, loadRecordSchema, rowsFor, withSampleFile, type RejectCode } from '@ferry/connectors/core';
import { DEMO_LOAN_OFFICERS } from '@ferry/demo';
import { LEAF360_FILES, LEAF360_OBJECTS, LEAF360_STREAMS, type Leaf360CsvStream, type Leaf360Object, type Leaf360Report, type Leaf360Stream } from '../leaf360.records';
import { LEAF360_EXPORT_FILES } from '../leaf360.catalog';
import { hashSeed, SampleRandom } from './leaf360-sample.random';
import { REPORTS, WORKFLOWS, type JsonValue } from './leaf360-sample.definitions';
import {
  DAY,
  FIRST_CREATED,
  LAST_CREATED,
  OFFICER_WEIGHTS,
  Stream,
  companyId,
  companyParent,
  contactCompany,
  contactDuplicate,
  contactId,
  contactOwner,
  contactPerson,
  contactStatus,
  dealFacts,
  dealId,
  deletedCompanyIds,
  deletedContactIds,
  parentChain,
  parentCycle,
  stageTimes,
  type SamplePlan,
} from './leaf360-sample.plan';
import {
  DEFECTS,
  DEFECT_CODES,
  LEAF360_SAMPLE_HEADERS,
  defectColumn,
  anyId,
  attachmentRow,
  companyRow,
  contactRow,
  customColumns,
  dealRow,
  duplicateSpelling,
  engagementRow,
  historyRow,
  malformedText,
  pipelineRow,
  pipelineStageRow,
  randomCreated,
  referralRow,
  userRow,
  type Leaf360SampleDefect,
} from './leaf360-sample.rows';
import * as V from './leaf360-sample.vocabulary';

export { LEAF360_SAMPLE_HEADERS, type Leaf360SampleDefect } from './leaf360-sample.rows';

/** Dataverse's default limit for one annotation's file (128 MB); bigger attachments need manual handling. */
export const DATAVERSE_FILE_LIMIT_BYTES = 128 * 1024 * 1024;

/** Caps the example lists in the manifest's notes, so a million-record manifest stays small. */
const NOTE_EXAMPLES = 1000;

export interface Leaf360MalformedRow {
  /** line the row starts on (for workflows.json: the item's 1-based index in its array) */
  line: number;
  /** the row's id, unless its defect is that the id is missing */
  id: string;
  defect: Leaf360SampleDefect | 'bad-shape';
  /** the reject code the reader must give it */
  code: RejectCode;
}

/**
 * A malformed row whose one bad value sits in an optional column: the reader keeps the record, empties that
 * field and lists it in the record's issues.
 */
export interface Leaf360EmptiedValue {
  /** line the row starts on (for workflows.json: the item's 1-based index in its array) */
  line: number;
  id: string;
  defect: Leaf360MalformedRow['defect'];
  field: string;
  /** the code: the reject it would have been, MISSING_VALUE for a placeholder such as "N/A" */
  code: RejectCode;
}

/** The deliberate mess, by kind: what discovery and the tests look for. */
export interface Leaf360SampleNotes {
  users: { inactive: string[]; neverUsers: string[]; spelledDifferently: string[] };
  duplicates: { count: number; examples: Array<{ id: string; duplicateOf: string; matchedOn: 'email' | 'phone' }> };
  malformedEmails: { count: number; examples: Array<{ id: string; email: string }> };
  malformedPhones: { count: number; examples: Array<{ id: string; phone: string }> };
  missingEmails: number;
  deletedCompanies: string[];
  deletedContacts: string[];
  orphans: Array<{ stream: Leaf360Stream; id: string; field: string; missing: string }>;
  parentCycle: string[];
  parentChain: string[];
  attachments: {
    limitBytes: number;
    oversized: Array<{ id: string; path: string; size_bytes: number }>;
    missingFiles: Array<{ id: string; path: string }>;
  };
  customColumns: Partial<Record<Leaf360CsvStream, string[]>>;
  apiOnly: Leaf360Stream[];
}

export interface Leaf360ExportResult {
  seed: number;
  /** absolute path of every file written, by stream */
  files: Partial<Record<Leaf360Stream, string>>;
  /** good rows per stream */
  good: Partial<Record<Leaf360Stream, number>>;
  /** rows (items) written per stream, good and malformed */
  rows: Partial<Record<Leaf360Stream, number>>;
  /** rows the reader must quarantine */
  malformed: Partial<Record<Leaf360Stream, Leaf360MalformedRow[]>>;
  /** rows with one bad optional value, which the reader keeps with that value emptied */
  emptied: Partial<Record<Leaf360Stream, Leaf360EmptiedValue[]>>;
  /** physical lines per CSV file, header included */
  lines: Partial<Record<Leaf360Stream, number>>;
  /** loan officer emails the good contacts and deals use, in DEMO_LOAN_OFFICERS order */
  owners: string[];
  notes: Leaf360SampleNotes;
}

interface Context {
  plan: SamplePlan;
  outDir: string;
  owners: Set<string>;
  notes: Leaf360SampleNotes;
  madeDirs: Set<string>;
}

const pad = (n: number, width = 7) => String(n).padStart(width, '0');

const ID_PREFIX: Record<Leaf360Stream, string> = {
  user: 'us',
  company: 'co',
  contact: 'ct',
  deal: 'dl',
  pipeline: 'pl',
  pipeline_stage: 'ps',
  deal_stage_history: 'dh',
  engagement: 'en',
  attachment: 'at',
  referral: 'rf',
  workflow: 'wf',
  report: 'rp',
};
const rowId = (stream: Leaf360Stream, i: number) => `${ID_PREFIX[stream]}_${pad(i + 1)}`;
const malformedId = (stream: Leaf360Stream, m: number) => `${ID_PREFIX[stream]}_m${pad(m + 1, 6)}`;
const refId = (i: number | string | null, format: (n: number) => string) => (i === null ? null : typeof i === 'string' ? i : format(i));

function example<T>(list: T[], item: T): void {
  if (list.length < NOTE_EXAMPLES) list.push(item);
}

// ---------------------------------------------------------------------------------------------------------
// Good rows, one generator per CSV stream, in file order.

function* userRows(ctx: Context): Iterator<string[]> {
  for (let i = 0; i < ctx.plan.good.user; i++) {
    const fields = userRow(SampleRandom.forRow(ctx.plan.seed, Stream.user, i), V.USERS[i % V.USERS.length]);
    fields[0] = `us_${pad(i + 1, 3)}`;
    yield fields;
  }
}

function* companyRows(ctx: Context): Iterator<string[]> {
  const { plan } = ctx;
  for (let p = 0; p < plan.good.company; p++) {
    const parent = companyParent(plan, p);
    const fields = companyRow(SampleRandom.forRow(plan.seed, Stream.company, p), parent === null ? null : companyId(parent));
    fields[0] = companyId(p);
    yield fields;
  }
}

function* contactRows(ctx: Context): Iterator<string[]> {
  const { plan, notes } = ctx;
  for (let j = 0; j < plan.good.contact; j++) {
    const rng = SampleRandom.forRow(plan.seed, Stream.contact, j);
    const dup = contactDuplicate(plan, j);
    const person = dup ? duplicateSpelling(rng, contactPerson(plan, dup.of), dup.on) : contactPerson(plan, j);
    const id = contactId(j);
    if (dup) {
      notes.duplicates.count++;
      example(notes.duplicates.examples, { id, duplicateOf: contactId(dup.of), matchedOn: dup.on });
    }
    if (person.emailProblem === 'malformed' && !dup) {
      notes.malformedEmails.count++;
      example(notes.malformedEmails.examples, { id, email: person.email });
    }
    if (!person.email) notes.missingEmails++;
    if (person.phoneProblem === 'malformed' && !dup) {
      notes.malformedPhones.count++;
      example(notes.malformedPhones.examples, { id, phone: person.phone });
    }
    const row = contactRow(plan, rng, j, person);
    if (row.owner) ctx.owners.add(row.owner);
    row.fields[0] = id;
    yield row.fields;
  }
}

function* dealRows(ctx: Context): Iterator<string[]> {
  const { plan, notes } = ctx;
  for (let k = 0; k < plan.good.deal; k++) {
    const f = dealFacts(plan, k);
    const times = stageTimes(plan, k, f);
    const company = refId(f.company, companyId);
    if (typeof f.company === 'string') notes.orphans.push({ stream: 'deal', id: dealId(k), field: 'company_id', missing: f.company });
    if (f.owner) ctx.owners.add(f.owner);
    const fields = dealRow(SampleRandom.forRow(plan.seed, Stream.deal, k), {
      contact: refId(f.contact, contactId),
      company,
      owner: f.owner,
      stage: V.PIPELINE_STAGES[f.stage],
      created: f.created,
      lastStageChange: times[times.length - 1],
    });
    fields[0] = dealId(k);
    yield fields;
  }
}

function* pipelineRows(ctx: Context): Iterator<string[]> {
  for (let i = 0; i < ctx.plan.good.pipeline; i++) yield pipelineRow(SampleRandom.forRow(ctx.plan.seed, Stream.pipeline, i), i);
}

function* pipelineStageRows(ctx: Context): Iterator<string[]> {
  let n = 0;
  for (let p = 0; p < V.PIPELINES.length; p++) {
    for (let s = 0; s < V.PIPELINES[p].stages.length; s++) {
      if (n >= ctx.plan.good.pipeline_stage) return;
      yield pipelineStageRow(SampleRandom.forRow(ctx.plan.seed, Stream.pipeline, 100 + n++), p, s);
    }
  }
}

function* historyRows(ctx: Context): Iterator<string[]> {
  const { plan } = ctx;
  let n = 0;
  for (let k = 0; k < plan.good.deal; k++) {
    const f = dealFacts(plan, k);
    const times = stageTimes(plan, k, f);
    for (let s = 0; s <= f.stage; s++) {
      const rng = SampleRandom.forRow(plan.seed, Stream.history, 10_000_000 + n);
      const by = s === 0 || !rng.chance(0.3) ? f.owner : rng.pick(V.PROCESSOR_EMAILS);
      const fields = historyRow(rng, dealId(k), V.PIPELINE_STAGES[s], times[s], s < f.stage ? times[s + 1] : null, by);
      fields[0] = rowId('deal_stage_history', n++);
      yield fields;
    }
  }
}

function* engagementRows(ctx: Context): Iterator<string[]> {
  const { plan, notes } = ctx;
  const deletedContacts = deletedContactIds(plan);
  for (let e = 0; e < plan.good.engagement; e++) {
    const rng = SampleRandom.forRow(plan.seed, Stream.engagement, e);
    const id = rowId('engagement', e);
    let contact: number | null = null;
    let company: number | string | null = null;
    let deal: number | null = null;
    let owner: string | null;
    if (plan.good.deal > 0 && rng.chance(0.4)) {
      deal = rng.int(plan.good.deal);
      const f = dealFacts(plan, deal);
      contact = f.contact;
      company = rng.chance(0.5) ? f.company : null;
      owner = f.owner;
    } else if (plan.good.contact > 0 && !rng.chance(0.05)) {
      contact = rng.int(plan.good.contact);
      company = rng.chance(0.5) ? contactCompany(plan, contact) : null;
      owner = contactOwner(plan, contact);
    } else {
      company = plan.good.company > 0 ? rng.int(plan.good.company) : null;
      owner = rng.weighted(OFFICER_WEIGHTS);
    }
    if (rng.chance(0.1)) owner = rng.pick(V.PROCESSOR_EMAILS);
    else if (rng.chance(0.02)) owner = null;
    let contactRef = refId(contact, contactId);
    if (deletedContacts.length && rng.chance(0.002)) {
      contactRef = rng.pick(deletedContacts);
      notes.orphans.push({ stream: 'engagement', id, field: 'contact_id', missing: contactRef });
    }
    const companyRef = refId(company, companyId);
    if (typeof company === 'string') notes.orphans.push({ stream: 'engagement', id, field: 'company_id', missing: company });
    const first = contact === null ? '' : contactPerson(plan, contact).first;
    const fields = engagementRow(rng, { contact: contactRef, company: companyRef, deal: refId(deal, dealId), owner, first });
    fields[0] = id;
    yield fields;
  }
}

/** A few bytes that look like the start of a file of that type, padded to `size`. */
function fileBytes(ext: string, id: string, size: number): Buffer {
  const head: Record<string, string> = {
    pdf: '%PDF-1.4\n',
    png: '\x89PNG\r\n\x1a\n',
    jpg: '\xff\xd8\xff\xe0',
    docx: 'PK\x03\x04',
    xlsx: 'PK\x03\x04',
  };
  const start = Buffer.from(`${head[ext] ?? ''}Leaf360 sample attachment ${id}\n`, 'latin1');
  const out = Buffer.alloc(size, `${id} `);
  start.copy(out, 0, 0, Math.min(start.length, size));
  return out;
}

function* attachmentRows(ctx: Context): Iterator<string[]> {
  const { plan, notes, outDir } = ctx;
  const parents: Array<['contact_id' | 'company_id' | 'deal_id', 'contact' | 'company' | 'deal', number]> = [
    ['contact_id', 'contact', 50],
    ['company_id', 'company', 20],
    ['deal_id', 'deal', 30],
  ];
  for (let a = 0; a < plan.good.attachment; a++) {
    const rng = SampleRandom.forRow(plan.seed, Stream.attachment, a);
    const id = rowId('attachment', a);
    const choices = parents.filter(([, s]) => plan.good[s] > 0).map(([field, s, w]) => [[field, s], w] as const);
    const [field, stream] = rng.weighted(choices);
    const parentIndex = rng.int(plan.good[stream]);
    const parentId = stream === 'contact' ? contactId(parentIndex) : stream === 'company' ? companyId(parentIndex) : dealId(parentIndex);
    const owner = stream === 'contact' ? contactOwner(plan, parentIndex) : stream === 'deal' ? dealFacts(plan, parentIndex).owner : rng.weighted(OFFICER_WEIGHTS);
    const [documentType, stem, ext] = rng.pick(V.DOCUMENT_TYPES);
    const fileName = `${stem}.${ext}`;
    const bucket = `files/${pad(Math.floor(a / 1000), 4)}`;
    const path = `${bucket}/${id}_${fileName}`;
    const oversized = (a === 1 && plan.good.attachment >= 10) || rng.chance(0.004);
    const missing = !oversized && ((a === 2 && plan.good.attachment >= 10) || rng.chance(0.008));
    const size = oversized ? DATAVERSE_FILE_LIMIT_BYTES + rng.between(1, 800) * 1024 * 1024 + rng.int(1024 * 1024) : rng.between(256, 8192);
    const mime = rng.chance(0.05) ? rng.pick(['', 'application/octet-stream', (V.MIME_TYPES[ext] ?? '').toUpperCase()]) : V.MIME_TYPES[ext] ?? '';
    if (oversized) example(notes.attachments.oversized, { id, path, size_bytes: size });
    if (missing) example(notes.attachments.missingFiles, { id, path });
    if (!missing) {
      const dir = join(outDir, bucket);
      if (!ctx.madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        ctx.madeDirs.add(dir);
      }
      if (oversized) {
        // Sparse: the declared size on disk without the disk space.
        const fd = openSync(join(outDir, path), 'w');
        try {
          ftruncateSync(fd, size);
        } finally {
          closeSync(fd);
        }
      } else {
        writeFileSync(join(outDir, path), fileBytes(ext, id, size));
      }
    }
    const fields = attachmentRow(rng, { id, parent: { field, id: parentId }, owner, size, fileName, mime, path, documentType });
    fields[0] = id;
    yield fields;
  }
}

function* referralRows(ctx: Context): Iterator<string[]> {
  const { plan } = ctx;
  for (let r = 0; r < plan.good.referral; r++) {
    const rng = SampleRandom.forRow(plan.seed, Stream.referral, r);
    let partnerContact: number | null = null;
    if (plan.good.contact > 0 && rng.chance(0.65)) {
      for (let tries = 0; tries < 12 && partnerContact === null; tries++) {
        const j = rng.int(plan.good.contact);
        if (contactStatus(plan, j) === 'Referral Partner') partnerContact = j;
      }
    }
    const partnerCompany = partnerContact === null && plan.good.company > 0 ? rng.int(plan.good.company) : null;
    let contact: number | null = null;
    let deal: number | null = null;
    if (plan.good.deal > 0 && rng.chance(0.5)) {
      deal = rng.int(plan.good.deal);
      if (rng.chance(0.4)) contact = dealFacts(plan, deal).contact;
    } else if (plan.good.contact > 0) {
      contact = rng.int(plan.good.contact);
      if (contact === partnerContact) contact = (contact + 1) % plan.good.contact;
    }
    const fields = referralRow(rng, {
      partnerContact: refId(partnerContact, contactId),
      partnerCompany: refId(partnerCompany, companyId),
      contact: refId(contact, contactId),
      deal: refId(deal, dealId),
    });
    fields[0] = rowId('referral', r);
    yield fields;
  }
}

const GOOD_ROWS: Record<Leaf360CsvStream, (ctx: Context) => Iterator<string[]>> = {
  user: userRows,
  company: companyRows,
  contact: contactRows,
  deal: dealRows,
  pipeline: pipelineRows,
  pipeline_stage: pipelineStageRows,
  deal_stage_history: historyRows,
  engagement: engagementRows,
  attachment: attachmentRows,
  referral: referralRows,
};

/** A malformed row's content before it is broken: realistic, pointing anywhere, referenced by nothing. */
function randomRow(ctx: Context, stream: Leaf360CsvStream, rng: SampleRandom): string[] {
  const { plan } = ctx;
  switch (stream) {
    case 'user':
      return userRow(rng, rng.pick(V.USERS));
    case 'company':
      return companyRow(rng, null);
    case 'contact':
      return contactRow(plan, rng, null, contactPerson(plan, null, rng)).fields;
    case 'deal':
      return dealRow(rng, {
        contact: anyId(plan, rng, 'contact'),
        company: anyId(plan, rng, 'company'),
        owner: rng.weighted(OFFICER_WEIGHTS),
        stage: rng.pick(V.PIPELINE_STAGES),
        created: randomCreated(rng),
        lastStageChange: 0,
      });
    case 'pipeline':
      return pipelineRow(rng, rng.int(V.PIPELINES.length));
    case 'pipeline_stage':
      return pipelineStageRow(rng, 0, rng.int(V.PIPELINES[0].stages.length));
    case 'deal_stage_history':
      return historyRow(rng, anyId(plan, rng, 'deal') ?? 'dl_0000001', rng.pick(V.PIPELINE_STAGES), randomCreated(rng), null, rng.weighted(OFFICER_WEIGHTS));
    case 'engagement':
      return engagementRow(rng, { contact: anyId(plan, rng, 'contact'), company: null, deal: null, owner: rng.weighted(OFFICER_WEIGHTS), first: '' });
    case 'attachment':
      return attachmentRow(rng, {
        id: '',
        parent: { field: 'contact_id', id: anyId(plan, rng, 'contact') ?? 'ct_0000001' },
        owner: null,
        size: rng.between(256, 8192),
        fileName: 'scan.pdf',
        mime: 'application/pdf',
        path: 'files/never-uploaded/scan.pdf',
        documentType: 'ID',
      });
    case 'referral':
      return referralRow(rng, { partnerContact: anyId(plan, rng, 'contact'), partnerCompany: null, contact: anyId(plan, rng, 'contact'), deal: null });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Writing.

interface FileResult {
  rows: number;
  lines: number;
  malformed: Leaf360MalformedRow[];
  emptied: Leaf360EmptiedValue[];
}

/** Where a bad value leaves its row: quarantined, or kept with the value emptied (the schema says which). */
function placeBadRow(
  stream: Leaf360Stream,
  row: { line: number; id: string; defect: Leaf360MalformedRow['defect']; code: RejectCode },
  bad: { field: string; value: string } | null,
  out: { malformed: Leaf360MalformedRow[]; emptied: Leaf360EmptiedValue[] },
): void {
  if (bad === null) {
    out.malformed.push(row);
    return;
  }
  const outcome = badValueOutcome(loadRecordSchema('leaf360', stream), bad.field, bad.value, row.code);
  if ('reject' in outcome) out.malformed.push({ ...row, code: outcome.reject });
  // 'read': a lenient reader takes the value after all, and the row reads as a good one
  else if ('empty' in outcome) out.emptied.push({ line: row.line, id: row.id, defect: row.defect, field: bad.field, code: outcome.empty });
}

/**
 * One CSV file: the header, then `rows` rows, every malformedEvery-th of them malformed (a row nothing
 * references, broken in one way: quarantined, or kept with its bad optional value emptied), streamed with
 * backpressure so memory stays flat at any size.
 */
async function writeCsv(ctx: Context, stream: Leaf360CsvStream, path: string, rows: number): Promise<FileResult> {
  const placed = { malformed: [] as Leaf360MalformedRow[], emptied: [] as Leaf360EmptiedValue[] };
  const header = LEAF360_SAMPLE_HEADERS[stream];
  const good = GOOD_ROWS[stream](ctx);
  const defects = DEFECTS[stream];
  let line = 2;
  let m = 0;
  await withSampleFile(path, async (out) => {
    await out.write(`${header.join(',')}\n`);
    for (let r = 0; r < rows; r++) {
      let text: string;
      if (isMalformedRow(ctx.plan, r, rows)) {
        const rng = SampleRandom.forRow(ctx.plan.seed, Stream.malformed, m * 16 + Object.keys(GOOD_ROWS).indexOf(stream));
        const defect = defects[m % defects.length];
        const fields = randomRow(ctx, stream, rng);
        const id = malformedId(stream, m);
        fields[0] = id;
        const idSpoiled = defect === 'missing-value' && defectColumn(stream, 'missing-value') === 0;
        const spoiled = malformedText(stream, defect, fields, rng);
        text = spoiled.text;
        const bad = spoiled.value === null || defect === 'field-count' ? null : { field: header[defectColumn(stream, defect)], value: spoiled.value };
        placeBadRow(stream, { line, id: idSpoiled ? '' : id, defect, code: DEFECT_CODES[defect] }, bad, placed);
        m++;
      } else {
        const next = good.next();
        if (next.done) throw new Error(`sample: ${stream} ran out of good rows at row ${r + 1} of ${rows}`);
        text = next.value.map(csvField).join(',');
      }
      await out.write(`${text}\n`);
      line++;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
    }
    if (!good.next().done) throw new Error(`sample: ${stream} has more good rows than the plan's ${rows - m}`);
  });
  return { rows, lines: line - 1, ...placed };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Map and list values as the export writes them: mostly strings, some numbers and booleans, nested objects as they are. */
function workflowItem(i: number, rng: SampleRandom): Record<string, JsonValue> {
  const w = WORKFLOWS[i % WORKFLOWS.length];
  const created = FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
  const updated = created + rng.int(300) * DAY;
  return {
    workflow_id: `wf_${pad(i + 1, 3)}`,
    name: w.name,
    kind: w.kind,
    object: w.object,
    active: w.active,
    trigger: w.trigger,
    conditions: w.conditions,
    actions: w.actions,
    created_by: rng.pick(['leaf360.admin@contoso-lending.example', 'dana.kowalski@contoso-lending.example', 'frank.lee@oldbroker.example']),
    created_at: iso(created),
    updated_at: rng.chance(0.3) ? updated : iso(updated),
    folder: rng.pick(['Marketing', 'Operations', 'Compliance', '']),
  };
}

/** Each spoils one property and returns the bad value it wrote, or null when the value is blank. */
const WORKFLOW_DEFECTS: ReadonlyArray<{
  defect: Leaf360MalformedRow['defect'];
  code: RejectCode;
  spoil: (item: Record<string, JsonValue>) => { field: string; value: string } | null;
}> = [
  { defect: 'bad-boolean', code: 'BAD_BOOLEAN', spoil: (item) => ({ field: 'active', value: (item.active = 'sometimes') }) },
  {
    defect: 'missing-value',
    code: 'MISSING_VALUE',
    spoil: (item) => {
      item.name = '  ';
      return null;
    },
  },
  { defect: 'bad-timestamp', code: 'BAD_TIMESTAMP', spoil: (item) => ({ field: 'updated_at', value: (item.updated_at = 'last week') }) },
  { defect: 'bad-shape', code: 'BAD_RECORD', spoil: (item) => ({ field: 'conditions', value: (item.conditions = 'loan_status = Lead') }) },
];

/** workflows.json: `{ "exported_at": …, "workflows": [ one item per line ] }`. */
async function writeWorkflows(ctx: Context, path: string, rows: number): Promise<FileResult> {
  const { plan } = ctx;
  const placed = { malformed: [] as Leaf360MalformedRow[], emptied: [] as Leaf360EmptiedValue[] };
  let m = 0;
  let good = 0;
  await withSampleFile(path, async (out) => {
    await out.write(`{"exported_at":"${iso(LAST_CREATED + 90 * DAY)}","workflows":[\n`);
    for (let r = 0; r < rows; r++) {
      let item: Record<string, JsonValue>;
      if (isMalformedRow(plan, r, rows)) {
        const rng = SampleRandom.forRow(plan.seed, Stream.workflow, 1000 + m);
        item = workflowItem(rng.int(WORKFLOWS.length), rng);
        const id = malformedId('workflow', m);
        item.workflow_id = id;
        const d = WORKFLOW_DEFECTS[m % WORKFLOW_DEFECTS.length];
        const bad = d.spoil(item);
        placeBadRow('workflow', { line: r + 1, id, defect: d.defect, code: d.code }, bad, placed);
        m++;
      } else {
        item = workflowItem(good, SampleRandom.forRow(plan.seed, Stream.workflow, good));
        good++;
      }
      await out.write(`${JSON.stringify(item)}${r < rows - 1 ? ',' : ''}\n`);
    }
    await out.write(']}\n');
  });
  return { rows, lines: rows + 2, ...placed };
}

/** Reports are API-only: records in the schema's shape, one per line, for the source sandbox to serve. */
async function writeReports(ctx: Context, path: string): Promise<FileResult> {
  const { plan } = ctx;
  const n = plan.good.report;
  await withSampleFile(path, async (out) => {
    for (let i = 0; i < n; i++) {
      const t = REPORTS[i % REPORTS.length];
      const rng = SampleRandom.forRow(plan.seed, Stream.report, i);
      const created = FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
      const record: Leaf360Report = {
        report_id: `rp_${pad(i + 1, 3)}`,
        name: t.name,
        kind: t.kind,
        object: t.object,
        owner_email: t.owner,
        columns: t.columns,
        filters: t.filters,
        group_by: t.group_by,
        chart_type: t.chart_type,
        report_ids: t.reports.filter((x) => x < n).map((x) => `rp_${pad(x + 1, 3)}`),
        schedule: t.schedule,
        created_at: created,
        updated_at: rng.chance(0.2) ? null : created + rng.int(400) * DAY,
        custom: rng.chance(0.5) ? {} : { folder: rng.pick(['Sales', 'Ops', 'Branch']) },
      };
      await out.write(`${JSON.stringify(record)}\n`);
    }
  });
  return { rows: n, lines: n, malformed: [], emptied: [] };
}

export interface WriteLeaf360ExportOptions {
  outDir: string;
  plan: SamplePlan;
  /** the streams to write, even with no rows (a header-only file); default: every stream the plan has rows for */
  streams?: readonly Leaf360Stream[];
}

/**
 * Writes a Leaf360 export drop: one CSV per object (workflows.json for the automations, files/ for the
 * attachments' bytes, api-only/report.ndjson for what only the API serves), byte-identical for the same
 * plan, plus everything a reader must find in it.
 */
export async function writeLeaf360Export(opts: WriteLeaf360ExportOptions): Promise<Leaf360ExportResult> {
  const { plan, outDir } = opts;
  const streams = opts.streams ?? LEAF360_STREAMS.filter((s) => plan.good[s] > 0);
  await mkdir(outDir, { recursive: true });
  const cycle = parentCycle(plan);
  const ctx: Context = {
    plan,
    outDir,
    owners: new Set(),
    madeDirs: new Set(),
    notes: {
      users: {
        inactive: V.USERS.filter((u) => !u.active).map((u) => u.email),
        neverUsers: DEMO_LOAN_OFFICERS.filter((o) => !V.USERS.some((u) => u.email.toLowerCase() === o.toLowerCase())),
        spelledDifferently: DEMO_LOAN_OFFICERS.filter((o) => V.USERS.some((u) => u.email !== o && u.email.toLowerCase() === o.toLowerCase())),
      },
      duplicates: { count: 0, examples: [] },
      malformedEmails: { count: 0, examples: [] },
      malformedPhones: { count: 0, examples: [] },
      missingEmails: 0,
      deletedCompanies: streams.includes('company') ? deletedCompanyIds(plan) : [],
      deletedContacts: streams.includes('contact') ? deletedContactIds(plan) : [],
      orphans: [],
      parentCycle: streams.includes('company') && cycle ? cycle.map(companyId) : [],
      parentChain: streams.includes('company') ? parentChain(plan).map(companyId) : [],
      attachments: { limitBytes: DATAVERSE_FILE_LIMIT_BYTES, oversized: [], missingFiles: [] },
      customColumns: {},
      apiOnly: streams.includes('report') ? ['report'] : [],
    },
  };
  const result: Leaf360ExportResult = { seed: plan.seed, files: {}, good: {}, rows: {}, malformed: {}, emptied: {}, lines: {}, owners: [], notes: ctx.notes };
  for (const stream of streams) {
    let file: FileResult;
    let path: string;
    if (stream === 'report') {
      await mkdir(join(outDir, API_ONLY_DIR), { recursive: true });
      path = join(outDir, API_ONLY_DIR, `${stream}.ndjson`);
      file = await writeReports(ctx, path);
    } else if (stream === 'workflow') {
      path = join(outDir, LEAF360_EXPORT_FILES.workflow);
      file = await writeWorkflows(ctx, path, rowsFor(plan, plan.good.workflow));
    } else {
      path = join(outDir, LEAF360_EXPORT_FILES[stream]);
      file = await writeCsv(ctx, stream, path, rowsFor(plan, plan.good[stream]));
      const custom = customColumns(stream);
      if (custom.length) ctx.notes.customColumns[stream] = custom;
    }
    result.files[stream] = path;
    result.good[stream] = plan.good[stream];
    result.rows[stream] = file.rows;
    result.malformed[stream] = file.malformed;
    result.emptied[stream] = file.emptied;
    result.lines[stream] = file.lines;
  }
  result.owners = DEMO_LOAN_OFFICERS.filter((o) => ctx.owners.has(o));
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// The demo's sample: companies, contacts and deals only, every reference resolvable.

export interface Leaf360SampleOptions {
  outDir: string;
  /** same seed and counts, same bytes */
  seed: number | string;
  companies?: number;
  contacts?: number;
  deals?: number;
  /** one row in this many is malformed (an extra row nothing references); 0 for none; default 200 */
  malformedEvery?: number;
}

export interface Leaf360SampleManifest {
  seed: number | string;
  files: Record<Leaf360Object, string>;
  /** good rows, each of which reads back as a record */
  counts: Record<Leaf360Object, number>;
  /** rows the reader must quarantine */
  malformed: Record<Leaf360Object, Leaf360MalformedRow[]>;
  /** malformed rows the reader keeps, their one bad optional value emptied (not in `counts`: those are good rows) */
  emptied: Record<Leaf360Object, Leaf360EmptiedValue[]>;
  /** physical lines per file, header included */
  lines: Record<Leaf360Object, number>;
  /** loan officer emails the good rows use, in DEMO_LOAN_OFFICERS order */
  owners: string[];
  notes: Leaf360SampleNotes;
}

export interface Leaf360SampleCounts {
  companies: number;
  contacts: number;
  deals: number;
}

export const LEAF360_SAMPLE_DEFAULT_TOTAL = 3500;

/** Splits a record total 1:4:2 into companies, contacts and deals; 3500 gives 500 / 2000 / 1000. */
export function sampleCounts(total: number = LEAF360_SAMPLE_DEFAULT_TOTAL): Leaf360SampleCounts {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`sample size must be a whole number of records, got ${total}`);
  const companies = Math.floor(total / 7);
  const deals = Math.floor((total * 2) / 7);
  return { companies, contacts: total - companies - deals, deals };
}

/**
 * Writes companies.csv, contacts.csv and deals.csv for the demo route: the same mess as a full export
 * (duplicates, bad emails and phones, mixed formats, custom columns, malformed rows) except references that
 * can never resolve, since the route waits for every parent. Use Leaf360Connector.generate for every object.
 */
export async function writeLeaf360Sample(opts: Leaf360SampleOptions): Promise<Leaf360SampleManifest> {
  const defaults = sampleCounts();
  const counts: Record<Leaf360Object, number> = {
    company: opts.companies ?? defaults.companies,
    contact: opts.contacts ?? defaults.contacts,
    deal: opts.deals ?? defaults.deals,
  };
  const malformedEvery = opts.malformedEvery ?? 200;
  for (const [what, n] of [...Object.entries(counts), ['malformedEvery', malformedEvery]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`writeLeaf360Sample: ${what} must be a whole number >= 0, got ${n}`);
  }
  if (malformedEvery === 1) throw new RangeError('writeLeaf360Sample: malformedEvery must be 0 (none) or at least 2');
  const good = Object.fromEntries(LEAF360_STREAMS.map((s) => [s, 0])) as Record<Leaf360Stream, number>;
  Object.assign(good, counts);
  const plan: SamplePlan = { seed: hashSeed(opts.seed), good, malformedEvery, minOneBad: false, brokenReferences: false };
  const out = await writeLeaf360Export({ outDir: opts.outDir, plan, streams: LEAF360_OBJECTS });
  const files = {} as Record<Leaf360Object, string>;
  const malformed = {} as Record<Leaf360Object, Leaf360MalformedRow[]>;
  const emptied = {} as Record<Leaf360Object, Leaf360EmptiedValue[]>;
  const lines = {} as Record<Leaf360Object, number>;
  for (const o of LEAF360_OBJECTS) {
    files[o] = out.files[o] ?? join(opts.outDir, LEAF360_FILES[o]);
    malformed[o] = out.malformed[o] ?? [];
    emptied[o] = out.emptied[o] ?? [];
    lines[o] = out.lines[o] ?? 1;
  }
  return { seed: opts.seed, files, counts, malformed, emptied, lines, owners: out.owners, notes: out.notes };
}
