import type { ColumnType } from '@ferry/contracts';
import type { ColumnDescription, EntityDescription } from '@ferry/destinations/core';
import type { DiscoveryInventory, FieldProfile, ObjectInventory } from '@ferry/discovery';
import { referenceField, type ExportSourceDocument } from '@ferry/connectors/export';
import type { MapEntry, MapField, MapLookup, RouteMapDocument } from '../map/route-map.schema';
import { DATE_ONLY_COLUMNS, withCatalog } from './dynamics.catalog';
import {
  ACTIVITY_VALUES, COLUMN_SYNONYMS, CREATED_NAMES, NOT_MIGRATED, OBJECT_SYNONYMS, OWNER_WORDS, SYSTEM_COLUMNS, type ActivityKind,
} from './propose.synonyms';

export interface ProposeInput {
  inventory: DiscoveryInventory;
  /** what the destination described; tables it did not describe come from the built-in catalog */
  entities: readonly EntityDescription[];
  source: string;
  destination: string;
  keyColumn: string;
  /** default `<source>-<destination>` */
  route?: string;
  /** default DYNAMICS_SALES_CATALOG */
  catalog?: readonly EntityDescription[];
  /** an export source's reviewed description: carried in the map (confirmed with it), its guesses weighed in */
  exportSource?: ExportSourceDocument;
}

/** Lower-case words of a name: `loanAmount`, `loan_amount`, `Loan Amount` → [loan, amount]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

const singular = (w: string) => (w.length > 3 && w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

/** A name normalised for comparing: words joined, the last one singular. */
function normalName(name: string): string {
  const ws = words(name);
  if (ws.length) ws[ws.length - 1] = singular(ws[ws.length - 1]);
  return ws.join('');
}

const pct = (n: number, of: number) => `${Math.round((100 * n) / Math.max(of, 1))}%`;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Where one source object goes. */
type Home =
  | { kind: 'entity'; entity: string }
  | { kind: 'activity' }
  | { kind: 'custom'; entity: string }
  | { kind: 'skip'; reason: string };

function homeOf(o: ObjectInventory, entities: Map<string, EntityDescription>): Home {
  const name = o.name.toLowerCase();
  const norm = normalName(o.name);
  for (const n of NOT_MIGRATED) if (n.match.test(name)) return { kind: 'skip', reason: n.reason };
  for (const [entity, names] of Object.entries(OBJECT_SYNONYMS)) {
    if (names.some((s) => s === name || normalName(s) === norm)) {
      if (entity === 'activity') return { kind: 'activity' };
      if (entities.has(entity)) return { kind: 'entity', entity };
    }
  }
  if (o.location === null || o.records - o.deleted === 0) return { kind: 'skip', reason: o.note ? `not read: ${o.note}` : 'no records in the source' };
  return { kind: 'custom', entity: `crm_${words(o.name).join('')}`.slice(0, 40) };
}

const DATAVERSE_TYPES: Record<string, ColumnType> = {
  string: 'string', memo: 'memo', integer: 'integer', bigint: 'bigint', decimal: 'decimal', double: 'double', money: 'money',
  boolean: 'boolean', picklist: 'picklist', state: 'picklist', status: 'picklist', uniqueidentifier: 'uniqueidentifier',
};

/** The map's column type of a destination column, the source deciding date-only or date-time when the destination does not say. */
function columnType(c: ColumnDescription, f: FieldProfile): ColumnType | null {
  const t = c.type.toLowerCase();
  if (t === 'datetime') return DATE_ONLY_COLUMNS.has(c.name) || (f.type === 'date' && !c.name.startsWith('crm_source')) ? 'dateonly' : 'datetime';
  return DATAVERSE_TYPES[t] ?? null;
}

const TEXTUAL = new Set(['string', 'email', 'phone', 'url', 'html', 'picklist', 'id', 'reference', 'integer', 'decimal', 'money', 'percent', 'json']);

/** Whether values of this profile can go into the column type (and, for text, whether a transform must make them so). */
function compatible(type: ColumnType, f: FieldProfile): boolean {
  switch (type) {
    case 'string':
    case 'memo':
      return TEXTUAL.has(f.type) || f.type === 'boolean';
    case 'money':
    case 'decimal':
    case 'double':
      return ['money', 'decimal', 'integer', 'percent'].includes(f.type);
    case 'integer':
    case 'bigint':
      return f.type === 'integer' || (f.type === 'percent' && !f.kinds.decimal);
    case 'boolean':
      return f.type === 'boolean' || (f.type === 'picklist' && (f.values ?? []).every((v) => /^(y|n|yes|no|true|false|t|f|0|1|x|on|off)$/i.test(v.value)));
    case 'datetime':
    case 'dateonly':
      return f.type === 'date' || f.type === 'timestamp';
    case 'picklist':
      return f.type === 'picklist' || f.type === 'string';
    default:
      return false;
  }
}

/** What the values look like, as a column expects: email columns want emails, phone columns numbers, url columns links. */
function profileFit(column: string, f: FieldProfile): { delta: number; note: string | null } {
  const share = (kinds: string[]) => kinds.reduce((n, k) => n + (f.kinds[k as keyof FieldProfile['kinds']] ?? 0), 0);
  const check = (want: string, kinds: string[], ok: boolean) => {
    if (!f.filled) return { delta: 0, note: null };
    const n = share(kinds);
    return ok ? { delta: 0.04, note: `values look like ${want} (${pct(n, f.filled)})` } : { delta: -0.25, note: `but values do not look like ${want} (${pct(n, f.filled)})` };
  };
  if (/^emailaddress/.test(column)) return check('emails', ['email'], f.type === 'email');
  if (/^(telephone|mobilephone|fax|phonenumber)/.test(column)) return check('phone numbers', ['phone', 'integer'], f.type === 'phone');
  if (column === 'websiteurl') return check('web addresses', ['url', 'domain'], f.type === 'url');
  return { delta: 0, note: null };
}

interface Candidate {
  column: ColumnDescription;
  type: ColumnType;
  confidence: number;
  reason: string;
}

/** The synonyms a column goes by on an entity: its own scoped list, else the shared one. */
function synonymsOf(entity: string, column: string): string[] {
  return COLUMN_SYNONYMS[`${entity}.${column}`] ?? COLUMN_SYNONYMS[column] ?? [];
}

/** Qualifier words a source name may carry around a synonym and still mean it (`loan_amount`, `primary_email`). */
function partialMatch(fieldWords: string[], synonym: string): boolean {
  if (fieldWords.length < 2) return false;
  // the synonym is the name's last word(s): the head of an English compound (`loan amount`, `company phone`)
  for (let i = 1; i < fieldWords.length; i++) if (fieldWords.slice(i).join('') === synonym) return true;
  return false;
}

function candidates(entity: EntityDescription, f: FieldProfile, used: Set<string>): Candidate[] {
  const norm = normalName(f.name);
  const plain = words(f.name).join('');
  const ws = words(f.name);
  const out: Candidate[] = [];
  for (const c of entity.columns) {
    if (used.has(c.name) || SYSTEM_COLUMNS.has(c.name) || c.targets || c.name === entity.primaryId || c.name.startsWith('crm_source')) continue;
    const type = columnType(c, f);
    if (!type || !compatible(type, f)) continue;
    const bare = c.name.replace(/^[a-z0-9]+_(?=[a-z])/, (p) => (c.name.startsWith('address') ? p : ''));
    const syns = synonymsOf(entity.entity, c.name);
    let base = 0;
    let how = '';
    if (plain === c.name || norm === c.name) [base, how] = [0.96, `name match ${f.name} → ${c.name}`];
    else if (c.name.startsWith('crm_') && (plain === bare || norm === bare)) [base, how] = [0.94, `name match ${f.name} → ${c.name} (the destination's custom column)`];
    else if (syns.includes(plain) || syns.includes(norm)) [base, how] = [0.92, `synonym ${f.name} → ${c.name}`];
    else if (syns.some((s) => partialMatch(ws, s))) [base, how] = [0.72, `partial name match ${f.name} → ${c.name}`];
    else continue;
    const fit = profileFit(c.name, f);
    let confidence = base + fit.delta;
    const notes = [how];
    if (fit.note) notes.push(fit.note);
    if (type === 'picklist') {
      const m = optionMatch(c, f);
      if (!m.total || m.matched * 2 < m.total) continue; // an option set that fits few of the values: a custom column says more
      confidence -= 0.1 * (1 - m.matched / Math.max(m.total, 1));
      notes.push(`${m.matched} of ${m.total} values match option labels`);
    }
    out.push({ column: c, type, confidence: Math.min(1, round2(confidence)), reason: notes.join('; ') });
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}

const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

function optionMatch(c: ColumnDescription, f: FieldProfile): { matched: number; total: number; values: Record<string, number | null>; unmatched: string[] } {
  const byLabel = new Map((c.options ?? []).map((o) => [fold(o.label), o.value]));
  const values: Record<string, number | null> = {};
  const unmatched: string[] = [];
  let matched = 0;
  const seen = f.values ?? [];
  for (const v of seen) {
    const to = byLabel.get(fold(v.value));
    if (to !== undefined) {
      values[v.value] = to;
      matched++;
    } else unmatched.push(v.value);
  }
  return { matched, total: seen.length, values, unmatched };
}

/** Luxon formats for the date shapes discovery's examples show (ISO needs none). */
function dateFormats(f: FieldProfile): string[] | undefined {
  const formats = new Set<string>();
  for (const e of f.examples) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(e)) formats.add('yyyy-MM-dd');
    else if (/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(e)) formats.add('M/d/yyyy');
    else if (/^\d{1,2}\.\d{1,2}\.\d{4}$/.test(e)) formats.add('d.M.yyyy');
    else return undefined;
  }
  return formats.size > 1 || (formats.size === 1 && !formats.has('yyyy-MM-dd')) ? [...formats] : undefined;
}

const textDeclared = (f: FieldProfile) => f.declared === 'string' || f.declared === 'custom' || f.declared === 'undeclared';

/** The transforms that take a field's values into the column type, chosen from the value profile. */
function transformsFor(f: FieldProfile, type: ColumnType, column: ColumnDescription | null): MapField['transforms'] {
  const steps: MapField['transforms'] = [];
  const text = textDeclared(f);
  switch (type) {
    case 'string':
    case 'memo':
      if (f.type === 'html') steps.push('html-to-text');
      else if (text) steps.push('trim');
      if (f.type === 'email') steps.push('email');
      else if (f.type === 'phone') steps.push('phone');
      else if (f.type === 'url') steps.push('url');
      break;
    case 'money':
    case 'decimal':
      if (text) steps.push(f.type === 'money' ? 'money' : 'number');
      break;
    case 'double':
      if (text) steps.push('number');
      break;
    case 'integer':
    case 'bigint':
      if (text) steps.push('integer');
      break;
    case 'boolean':
      if (f.type !== 'boolean' || text) steps.push('boolean');
      break;
    case 'dateonly':
    case 'datetime':
      if (text) {
        const formats = f.type === 'date' ? dateFormats(f) : undefined;
        steps.push({ date: { ...(formats ? { formats } : {}), output: type === 'dateonly' ? 'date' : 'datetime' } });
      }
      break;
    case 'picklist':
      if (column) {
        const m = optionMatch(column, f);
        const other = (column.options ?? []).find((o) => /^(other|unknown)$/i.test(o.label));
        steps.push({ map: { values: m.values, ...(other ? { default: other.value, unmapped: 'default' } : { unmapped: 'keep' }) } });
      }
      break;
  }
  return steps;
}

const SIZES = [50, 100, 250, 500, 1000, 2000, 4000];

/** A custom column for a field no standard column takes: its type from the profile, its length from the values seen. */
function customColumn(f: FieldProfile): { type: ColumnType; maxLength?: number; sized: string } {
  switch (f.type) {
    case 'integer':
      return { type: 'integer', sized: '' };
    case 'decimal':
    case 'percent':
      return { type: 'decimal', sized: '' };
    case 'money':
      return { type: 'money', sized: '' };
    case 'boolean':
      return { type: 'boolean', sized: '' };
    case 'date':
      return { type: 'dateonly', sized: '' };
    case 'timestamp':
      return { type: 'datetime', sized: '' };
    case 'html':
    case 'json':
      return { type: 'memo', maxLength: 100000, sized: 'long text' };
    default: {
      // discovery keeps examples shortened to 40 characters: a cut example means longer values
      const longest = Math.max(0, ...f.examples.map((e) => (e.endsWith('…') ? 200 : [...e].length)));
      const size = SIZES.find((s) => s >= longest * 1.5) ?? 4000;
      return { type: 'string', maxLength: Math.max(100, size), sized: `longest example ${longest} characters` };
    }
  }
}

const pathOf = (f: FieldProfile) => (f.custom ? `custom.${f.name}` : f.name);
const customName = (name: string) => `crm_${words(name).join('')}`.replace(/^crm_(\d)/, 'crm_x$1').slice(0, 50) || 'crm_field';

interface Reference {
  field: string;
  target: string;
}

interface Ctx {
  input: ProposeInput;
  entities: Map<string, EntityDescription>;
  homes: Map<string, Home>;
  /** source object → the entities its entries write */
  entityOf: Map<string, string[]>;
}

/** The field holding the record's owner as an email, when one does. */
function ownerField(o: ObjectInventory, refs: Set<string>): FieldProfile | null {
  const emails = o.fields.filter((f) => f.type === 'email' && !refs.has(f.name));
  const named = emails.find((f) => words(f.name).some((w) => OWNER_WORDS.has(w)));
  if (named) return named;
  // an email repeated on many records (few distinct values) that is not the sender of a message
  return emails.find((f) => f.filled >= 10 && f.distinct * 4 <= f.filled && !words(f.name).some((w) => ['by', 'from', 'to', 'cc', 'sender'].includes(w))) ?? null;
}

function entryFor(
  ctx: Ctx, o: ObjectInventory, entityName: string, id: string, refs: Reference[], filter?: string, isCustom = false, discriminator?: FieldProfile,
): MapEntry {
  const { input } = ctx;
  const entity: EntityDescription = ctx.entities.get(entityName) ?? { entity: entityName, primaryId: `${entityName}id`, primaryName: 'crm_name', columns: [], keys: [], custom: true };
  const refFields = new Set(refs.map((r) => r.field));
  const owner = ownerField(o, refFields);
  const fields: Record<string, MapField> = {};
  const used = new Set<string>();
  const left: string[] = [];
  const live = o.fields.filter((f) => f.name !== o.key && !refFields.has(f.name) && !(f.name === o.cursor && !f.custom) && f !== discriminator);
  for (const f of o.fields) {
    if (f.name === o.cursor && !f.custom && f.name !== o.key) left.push(`${f.name} (the source's change cursor)`);
  }
  const present = live.filter((f) => {
    if (f.type === 'empty') left.push(`${pathOf(f)} (no values)`);
    return f.type !== 'empty';
  });

  // one full-name field and no first/last: split it
  const hasFirst = present.some((f) => ['firstname', 'givenname'].includes(normalName(f.name)));
  const cols = new Set(entity.columns.map((c) => c.name));
  const proposals: { f: FieldProfile; c: Candidate }[] = [];
  const pending = new Map<FieldProfile, Candidate[]>();
  for (const f of present) {
    if (f === owner) continue;
    const n = normalName(f.name);
    if (CREATED_NAMES.has(n) && (f.type === 'timestamp' || f.type === 'date')) {
      // Dataverse stamps createdon itself; the source's time survives in overriddencreatedon, which every table has
      // (set on create only), so a record keeps the age it had in the source.
      const column = cols.has('overriddencreatedon') || !cols.size ? 'overriddencreatedon' : 'crm_sourcecreatedon';
      fields[column] = {
        from: pathOf(f), transforms: textDeclared(f) ? [{ date: { output: 'datetime' } }] : [], type: 'datetime', onOverflow: 'reject', required: false,
        confidence: column === 'overriddencreatedon' ? 0.95 : 0.85,
        reason:
          column === 'overriddencreatedon'
            ? `the source's created time → overriddencreatedon (Dataverse keeps it as the record's created on; createdon is its own)`
            : `the source's created time → crm_sourcecreatedon (createdon is set by Dataverse); proposed custom column`,
      };
      used.add(column);
      if (column === 'overriddencreatedon' && cols.has('crm_sourcecreatedon')) {
        // the org already has a column for the source's created time (a template or an earlier migration made it): fill it too
        fields.crm_sourcecreatedon = { ...fields[column], confidence: 0.9, reason: `the source's created time, also in the destination's crm_sourcecreatedon` };
        used.add('crm_sourcecreatedon');
      }
      continue;
    }
    if (!hasFirst && (n === 'fullname' || (n === 'name' && !cols.has('name'))) && cols.has('firstname') && cols.has('lastname')) {
      fields.firstname = { from: pathOf(f), transforms: ['trim', 'first-name'], type: 'string', maxLength: entity.columns.find((c) => c.name === 'firstname')?.maxLength, onOverflow: 'truncate', required: false, confidence: 0.8, reason: `${f.name} split: the first name part` };
      fields.lastname = { from: pathOf(f), transforms: ['trim', 'last-name'], type: 'string', maxLength: entity.columns.find((c) => c.name === 'lastname')?.maxLength, onOverflow: 'truncate', required: true, confidence: 0.8, reason: `${f.name} split: the last name part (Dataverse wants a last name)` };
      used.add('firstname').add('lastname');
      continue;
    }
    pending.set(f, candidates(entity, f, used));
  }
  // greedy: the best-scored pair first, each column taken once
  const all = [...pending].flatMap(([f, cs]) => cs.map((c) => ({ f, c })));
  all.sort((a, b) => b.c.confidence - a.c.confidence);
  const placed = new Set<FieldProfile>();
  for (const p of all) {
    if (placed.has(p.f) || used.has(p.c.column.name)) continue;
    placed.add(p.f);
    used.add(p.c.column.name);
    proposals.push(p);
  }
  for (const { f, c } of proposals) {
    const field: MapField = {
      from: pathOf(f), transforms: transformsFor(f, c.type, c.column), type: c.type, onOverflow: 'reject',
      required: c.column.required !== 'none' && (c.column.name === entity.primaryName || c.column.required === 'system' || c.column.name === 'lastname'),
      confidence: c.confidence, reason: c.reason,
    };
    if ((c.type === 'string' || c.type === 'memo') && c.column.maxLength) field.maxLength = c.column.maxLength;
    if (c.type === 'picklist') {
      const m = optionMatch(c.column, f);
      if (m.unmatched.length) field.reason = `${c.reason}; unmatched: ${m.unmatched.slice(0, 6).join(', ')}${m.unmatched.length > 6 ? ', …' : ''}`;
    }
    field.reason += typoNote(f);
    fields[c.column.name] = field;
  }
  // the rest, and the owner's email as text: proposed custom columns, never dropped
  for (const f of present) {
    if (placed.has(f) || (f !== owner && !pending.has(f))) continue;
    let name = customName(f.name);
    for (let i = 2; used.has(name) || name === input.keyColumn; i++) name = `${customName(f.name)}${i}`;
    used.add(name);
    const c = customColumn(f);
    const described = cols.has(name);
    const field: MapField = {
      from: pathOf(f), transforms: transformsFor(f, c.type, null), type: c.type, onOverflow: 'reject', required: false,
      confidence: described ? 0.9 : 0.5,
      reason: described
        ? `name match ${f.name} → ${name} (the destination's custom column)`
        : f === owner
          ? `the owner's email, kept as text too (the owner is set from it); proposed custom column`
          : isCustom
            ? `column of the proposed custom table (${f.type}${f.fillRate < 1 ? `, ${pct(f.filled, f.filled / Math.max(f.fillRate, 0.0001))} filled` : ''})`
            : `no standard column: proposed custom column (${f.type}${c.sized ? `, ${c.sized}` : ''})`,
    };
    const dc = entity.columns.find((x) => x.name === name);
    if (c.maxLength) field.maxLength = dc?.maxLength ?? c.maxLength;
    if (f.type === 'picklist' && f.values?.length) field.reason += `; values seen: ${f.values.slice(0, 6).map((v) => v.value).join(', ')}${f.values.length > 6 ? ', …' : ''}`;
    field.reason += typoNote(f);
    fields[name] = field;
  }
  const lookups = lookupsFor(ctx, entity, refs);
  const notes: string[] = [];
  if (left.length) notes.push(`not mapped: ${left.join(', ')}`);
  const missed = refs.filter((r) => !Object.values(lookups).some((l) => l.targets.some((t) => t.key === r.field)));
  if (missed.length) notes.push(`references without a lookup column here: ${missed.map((r) => `${r.field} → ${r.target}`).join(', ')}`);
  const idRef = o.fields.find((f) => !owner && /^(owner|assigned|user)/.test(words(f.name)[0] ?? '') && (f.type === 'reference' || f.type === 'id'));
  if (idRef) notes.push(`${idRef.name} holds user ids, not emails: owners are matched by email, so map the ids to emails before confirming`);
  const entry: MapEntry = {
    id,
    from: o.name,
    ...(filter ? { filter } : {}),
    to: entityName,
    retire: 'delete',
    key: '$key',
    merge: 'last-wins',
    fields,
    lookups,
    ...(owner ? { owner: { email: pathOf(owner) } } : {}),
    ...(notes.length ? { note: notes.join('. ') } : {}),
  };
  return entry;
}

const PARENT_WORDS = new Set(['parent', 'partner', 'master', 'head']);

function lookupsFor(ctx: Ctx, entity: EntityDescription, refs: Reference[]): Record<string, MapLookup> {
  const out: Record<string, MapLookup> = {};
  const lookupCols = entity.columns.filter((c) => c.targets?.length && !SYSTEM_COLUMNS.has(c.name));
  for (const r of refs) {
    const targets = ctx.entityOf.get(r.target) ?? [];
    const target = targets[0];
    if (!target) continue;
    const parent = words(r.field).some((w) => PARENT_WORDS.has(w));
    const fits = lookupCols.filter((c) => c.targets!.includes(target));
    if (!fits.length) continue;
    // a parent reference to its own table → the parent lookup; else the widest (customer/regarding) lookup
    const widest = Math.max(...fits.map((c) => c.targets!.length));
    const twins = fits.filter((c) => c.targets!.length === widest);
    const pick =
      (target === entity.entity && parent ? fits.find((c) => c.name.includes('parent')) : undefined) ??
      // two lookups alike (a connection's record1id and record2id): the partner/parent side takes the second
      (parent && twins.length > 1 ? twins[1] : undefined) ??
      [...fits].sort((a, b) => (b.targets!.length - a.targets!.length) || (out[a.name] ? -1 : 0))[0];
    // a customer- or regarding-style lookup has a single-table twin (opportunity's parentaccountid beside customerid):
    // the reference fills both, as a person mapping it would
    const twin = pick.targets!.length > 1 ? fits.find((c) => c.targets!.length === 1 && c.name.startsWith('parent') && target !== entity.entity) : undefined;
    for (const column of twin ? [pick, twin] : [pick]) {
      const l = (out[column.name] ??= { targets: [], deferrable: false, required: false });
      if (l.targets.some((t) => t.key === r.field)) continue;
      l.targets.push({ to: target, key: r.field });
      if (target === entity.entity) l.deferrable = true;
    }
  }
  return out;
}

/** The activity table each type value goes to, from the values discovery saw. */
function activitySplit(o: ObjectInventory): { field: FieldProfile; byKind: Map<ActivityKind | 'annotation', string[]> } | null {
  const field = o.fields.find((f) => f.type === 'picklist' && ['type', 'activitytype', 'kind', 'engagementtype', 'sessiontype', 'category'].includes(normalName(f.name)));
  if (!field?.values) return null;
  const byKind = new Map<ActivityKind | 'annotation', string[]>();
  for (const v of field.values) {
    const value = v.value.trim().toLowerCase();
    const kind = (/^(note|notes|comment)$/.test(value) ? 'annotation' : undefined) ?? (Object.entries(ACTIVITY_VALUES).find(([, vs]) => vs.includes(value))?.[0] as ActivityKind | undefined) ?? 'task';
    const seen = byKind.get(kind) ?? [];
    if (!seen.includes(value)) byKind.set(kind, [...seen, value]);
  }
  return { field, byKind };
}

/** Stage values of a person before they became a customer (lifecycle stages as CRMs name them). */
const LEAD_STAGE = /^(subscriber|lead|new|open|prospect|marketing ?qualified ?lead|sales ?qualified ?lead|marketingqualifiedlead|salesqualifiedlead|mql|sql|pre[- ]?\w*|interested|unqualified|attempted|contacted|in ?progress|nurture|cold|warm)$/;

/**
 * A person object whose lifecycle stage says some are not customers yet: those become leads, the rest contacts
 * (the 1:many split the seeds describe). Null when no such field, or when it names no early stage.
 */
function leadSplit(o: ObjectInventory): { field: FieldProfile; leadValues: string[]; contactValues: string[] } | null {
  const field = o.fields.find((f) => f.type === 'picklist' && ['lifecyclestage', 'lifecycle', 'stage', 'leadstage'].includes(normalName(f.name)));
  if (!field?.values?.length) return null;
  const values = [...new Set(field.values.map((v) => v.value.trim().toLowerCase()))];
  const leadValues = values.filter((v) => LEAD_STAGE.test(v.replace(/[_-]+/g, ' ')));
  if (!leadValues.length || leadValues.length === values.length) return null;
  return { field, leadValues, contactValues: values.filter((v) => !leadValues.includes(v)) };
}

/** Discovery's picklist typo suggestions, for a field's reason: a person fixes them in the value map. */
function typoNote(f: FieldProfile): string {
  if (!f.typos?.length) return '';
  return `; ${f.typos.map((t) => `"${t.value}" ×${t.count} looks mistyped: did you mean ${t.suggestion}?`).join('; ')}`;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A draft map from a discovery inventory and the destination's tables: every source object placed (an entity,
 * a custom table, or not migrated with why), every field given a column with a confidence and a one-line reason.
 * Pure: the same inventory and descriptions give the same draft.
 */
export function proposeRouteMap(input: ProposeInput): RouteMapDocument {
  const inv = input.inventory;
  const entities = new Map(withCatalog(input.entities, input.catalog).map((e) => [e.entity, e]));
  const ctx: Ctx = { input, entities, homes: new Map(), entityOf: new Map() };
  const notMigrated: Record<string, string> = {};
  const splits = new Map<string, NonNullable<ReturnType<typeof activitySplit>>>();
  for (const o of inv.objects) {
    let home = homeOf(o, entities);
    if (home.kind !== 'skip' && (o.location === null || o.records - o.deleted === 0)) home = { kind: 'skip', reason: o.note ? `not read: ${o.note}` : 'no records in the source' };
    ctx.homes.set(o.name, home);
    if (home.kind === 'entity' || home.kind === 'custom') ctx.entityOf.set(o.name, [home.entity]);
    else if (home.kind === 'activity') {
      const split = activitySplit(o);
      if (split) splits.set(o.name, split);
      const kinds: string[] = split ? [...split.byKind.keys()] : ['task'];
      ctx.entityOf.set(o.name, kinds);
    } else notMigrated[identifierOf(o.name)] = home.reason;
  }
  const refsOf = (object: string): Reference[] => inv.references.filter((r) => r.object === object).map((r) => ({ field: r.field, target: r.target }));
  const objects: MapEntry[] = [];
  // parents before children, as the template reads: accounts, contacts, then the rest in inventory order
  const ORDER = ['account', 'contact', 'lead', 'opportunity', 'product', 'quote', 'quotedetail', 'salesorder', 'salesorderdetail'];
  const rank = (o: ObjectInventory) => {
    const e = ctx.entityOf.get(o.name)?.[0] ?? '';
    const i = ORDER.indexOf(e);
    return i < 0 ? ORDER.length : i;
  };
  for (const o of [...inv.objects].sort((a, b) => rank(a) - rank(b))) {
    const home = ctx.homes.get(o.name)!;
    const id = identifierOf(o.name).replace(/_/g, '-');
    const refs = refsOf(o.name);
    const split = home.kind === 'entity' && home.entity === 'contact' && entities.has('lead') ? leadSplit(o) : null;
    if (split) {
      const field = pathOf(split.field);
      const isLead = `lower(trim(str(${field}))) in [${split.leadValues.map(quote).join(', ')}]`;
      const c = entryFor(ctx, o, 'contact', id, refs, `!(${isLead})`);
      c.note = [`${split.field.name} ${split.contactValues.join(', ') || '(other values)'} → contact; the earlier stages go to lead (next entry)`, c.note].filter(Boolean).join('. ');
      const l = entryFor(ctx, o, 'lead', `${id}-as-lead`, refs, isLead);
      l.note = [`${split.field.name} ${split.leadValues.join(', ')} → lead: people not yet customers are leads in Dynamics`, l.note].filter(Boolean).join('. ');
      objects.push(c, l);
    } else if (home.kind === 'entity') objects.push(entryFor(ctx, o, home.entity, id, refs));
    else if (home.kind === 'custom') {
      const e = entryFor(ctx, o, home.entity, id, refs, undefined, true);
      e.note = [`no standard table for ${o.name}: proposed custom table ${home.entity} (${o.records - o.deleted} records)`, e.note].filter(Boolean).join('. ');
      objects.push(e);
    } else if (home.kind === 'activity') {
      const split = splits.get(o.name);
      if (!split || split.byKind.size === 1) {
        const kind = split ? [...split.byKind.keys()][0] : 'task';
        objects.push(entryFor(ctx, o, kind, id, refs));
        continue;
      }
      const field = pathOf(split.field);
      const test = (values: string[]) => values.map((v) => `lower(trim(${field})) == ${quote(v)}`).join(' || ');
      const others = [...split.byKind].filter(([k]) => k !== 'task').flatMap(([, vs]) => vs);
      const discriminator = split.field;
      for (const [kind, values] of split.byKind) {
        const filter = kind === 'task' ? `!(${test(others)})` : test(values);
        const e = entryFor(ctx, o, kind, `${id}-as-${kind}`, refs, filter, false, discriminator);
        e.note = [`${split.field.name} ${values.join(', ')} → ${kind}`, e.note].filter(Boolean).join('. ');
        objects.push(e);
      }
    }
  }
  if (input.exportSource) for (const e of objects) weighExportGuesses(e, input.exportSource);
  return {
    route: input.route ?? `${input.source}-${input.destination}`,
    source: input.source,
    destination: input.destination,
    keyColumn: input.keyColumn,
    description: `Proposed from the discovery of ${inv.displayName} (${inv.startedAt}); review every field, then confirm.`,
    notMigrated,
    objects,
    ...(input.exportSource ? { exportSource: input.exportSource } : {}),
  };
}

/**
 * An export source's key, references, owner and column types are guesses too: a field is no surer than the type
 * its column was given, and the entry's note says how its key, lookups and owner were found and which to review.
 */
function weighExportGuesses(e: MapEntry, source: ExportSourceDocument): void {
  const o = source.objects.find((x) => x.name === e.from);
  if (!o) return;
  const byField = new Map(o.fields.map((f) => [f.field, f]));
  for (const f of Object.values(e.fields)) {
    const typed = typeof f.from === 'string' ? byField.get(f.from) : undefined;
    if (typed?.review && f.confidence !== undefined && typed.confidence < f.confidence) {
      f.confidence = typed.confidence;
      f.reason = `${f.reason ?? ''}; the source column ${typed.column} was typed ${typed.type} at ${typed.confidence} (${typed.evidence})`;
    }
  }
  const mark = (c: number, review: boolean) => `${c}${review ? ', REVIEW' : ''}`;
  const notes = [`source key ${o.key.columns.join(' + ')} (${mark(o.key.confidence, o.key.review)}: ${o.key.evidence})`];
  const looked = new Set(Object.values(e.lookups).flatMap((l) => l.targets.map((t) => t.key)));
  for (const r of o.references) {
    if (looked.has(referenceField(o, r))) notes.push(`lookup from ${r.column} → ${r.object} by ${r.by} (${mark(r.confidence, r.review)}: ${r.evidence})`);
  }
  if (o.owner && e.owner) notes.push(`owner from ${o.owner.column} by ${o.owner.by} (${mark(o.owner.confidence, o.owner.review)}: ${o.owner.evidence})`);
  e.note = [e.note, ...notes].filter(Boolean).join('. ');
}

function identifierOf(name: string): string {
  const id = words(name).join('_');
  return /^[a-z]/.test(id) ? id : `o_${id}`;
}
