import type { ColumnType } from '@ferry/contracts';
import type { ColumnDescription, EntityDescription } from '@ferry/destinations/core';
import type { DiscoveryInventory, FieldProfile, ObjectInventory } from '@ferry/discovery';
import { referenceField, type ExportSourceDocument } from '@ferry/connectors/export';
import type { MapEntry, MapField, MapLookup, RouteMapDocument } from '../map/route-map.schema';
import { withCatalog } from './dynamics.catalog';
import { proposalTarget, type Kind, type ProposalTarget } from './proposal.target';
import {
  ACTIVITY_VALUES, COLUMN_SYNONYMS, CREATED_NAMES, NOT_MIGRATED, OBJECT_SYNONYMS, OWNER_WORDS, type ActivityKind,
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
  /** default: the destination's built-in catalog (DYNAMICS_SALES_CATALOG, SALESFORCE_SALES_CATALOG) */
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
  | { kind: 'entity'; entity: string; as: Kind }
  | { kind: 'activity' }
  | { kind: 'custom'; entity: string }
  | { kind: 'skip'; reason: string };

/** Words export file names put before the object (HubSpot's all-contacts, Dynamics' Active Accounts, My Open Deals). */
const EXPORT_NOISE = new Set(['all', 'my', 'export', 'exported', 'open', 'active', 'closed', 'won', 'lost', 'crm', 'data', 'list', 'zoho', 'hubspot', 'pipedrive', 'salesforce', 'dynamics']);

function homeOf(o: ObjectInventory, entities: Map<string, EntityDescription>, target: ProposalTarget): Home {
  const ws = words(o.name);
  const start = ws.findIndex((w) => !EXPORT_NOISE.has(w));
  const bare = start > 0 ? ws.slice(start).join('_') : o.name;
  const name = bare.toLowerCase();
  const norm = normalName(bare);
  for (const n of NOT_MIGRATED) if (n.match.test(name)) return { kind: 'skip', reason: n.reason(target.words) };
  for (const [kind, names] of Object.entries(OBJECT_SYNONYMS)) {
    if (names.some((s) => s === name || normalName(s) === norm)) {
      if (kind === 'activity') return { kind: 'activity' };
      const table = target.tableOf(kind as Kind);
      if (table && entities.has(table)) return { kind: 'entity', entity: table, as: kind as Kind };
    }
  }
  if (o.location === null || o.records - o.deleted === 0) return { kind: 'skip', reason: o.note ? `not read: ${o.note}` : 'no records in the source' };
  const entity = target.customTable(words(o.name));
  if (!target.createsTables && !entities.has(entity)) return { kind: 'skip', reason: target.words.noTable(entity) };
  return { kind: 'custom', entity };
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
    case 'file':
      // a note's text becomes a file's body (file-of-text)
      return ['string', 'html', 'picklist'].includes(f.type);
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
function synonymsOf(kind: string, concept: string): string[] {
  return COLUMN_SYNONYMS[`${kind}.${concept}`] ?? COLUMN_SYNONYMS[concept] ?? [];
}

/** Qualifier words a source name may carry around a synonym and still mean it (`loan_amount`, `primary_email`). */
function partialMatch(fieldWords: string[], synonym: string): boolean {
  if (fieldWords.length < 2) return false;
  // the synonym is the name's last word(s): the head of an English compound (`loan amount`, `company phone`)
  for (let i = 1; i < fieldWords.length; i++) if (fieldWords.slice(i).join('') === synonym) return true;
  return false;
}

/**
 * A field's name without the object's name before it, as some exports write every header (Pipedrive's
 * `Person - Name` in persons, `Activity - Subject` in activities).
 */
function ownName(object: string, field: string): string {
  const ows = words(object).map(singular);
  const fws = words(field);
  return fws.length > ows.length && ows.every((w, i) => singular(fws[i]) === w) ? fws.slice(ows.length).join(' ') : field;
}

function candidates(target: ProposalTarget, entity: EntityDescription, f: FieldProfile, used: Set<string>, object: string): Candidate[] {
  const name = ownName(object, f.name);
  const norm = normalName(name);
  const plain = words(name).join('');
  const ws = words(name);
  const out: Candidate[] = [];
  const kind = target.kindOf(entity.entity);
  for (const c of entity.columns) {
    if (used.has(c.name) || target.system.has(c.name) || c.targets || c.name === entity.primaryId || c.validForCreate === false) continue;
    if (c.name === target.keyColumn || c.name === target.created.custom) continue;
    const type = target.columnType(c, f);
    if (!type || !compatible(type, f)) continue;
    const concept = target.conceptOf(entity.entity, c.name);
    const custom = target.isCustom(c.name);
    const syns = synonymsOf(kind, concept);
    let base = 0;
    let how = '';
    if (plain === c.name || norm === c.name || (!custom && (plain === concept || norm === concept))) [base, how] = [0.96, `name match ${f.name} → ${c.name}`];
    else if (custom && (plain === target.bare(c.name) || norm === target.bare(c.name))) [base, how] = [0.94, `name match ${f.name} → ${c.name} (the destination's custom column)`];
    else if (syns.includes(plain) || syns.includes(norm)) [base, how] = [0.92, `synonym ${f.name} → ${c.name}`];
    else if (syns.some((s) => partialMatch(ws, s))) [base, how] = [0.72, `partial name match ${f.name} → ${c.name}`];
    else continue;
    const fit = profileFit(concept, f);
    let confidence = base + fit.delta;
    const notes = [how];
    if (fit.note) notes.push(fit.note);
    if (type === 'picklist') {
      const m = optionMatch(c, f);
      if (!m.total || m.matched * 2 < m.total) {
        // an option set that fits few of the values: a custom column says more, unless the destination requires
        // this one (an Opportunity's stage): then it is proposed for a person to map the values
        if (c.required !== 'system' || base < 0.9) continue;
        confidence -= 0.4;
        notes.push(`only ${m.matched} of ${m.total} values match the destination's values: map the rest before confirming`);
      } else {
        confidence -= 0.1 * (1 - m.matched / Math.max(m.total, 1));
        notes.push(`${m.matched} of ${m.total} values match option labels`);
      }
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
  // a value naming the first part of exactly one label matches it (Proposal → Proposal/Price Quote)
  const byStart = (value: string) => {
    const starts = (c.options ?? []).filter((o) => o.label.split(/\s*[/(–-]\s*/).some((part, i) => i === 0 && fold(part) === value));
    return starts.length === 1 ? starts[0].value : undefined;
  };
  for (const v of seen) {
    const to = byLabel.get(fold(v.value)) ?? (fold(v.value) ? byStart(fold(v.value)) : undefined);
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
function transformsFor(f: FieldProfile, type: ColumnType, column: ColumnDescription | null, asText = false): MapField['transforms'] {
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
        // a required column whose values mostly do not match: the first option stands in until a person maps them
        const other = (column.options ?? []).find((o) => /^(other|unknown)$/i.test(o.label)) ?? (column.required === 'system' && m.matched * 2 < m.total ? column.options?.[0] : undefined);
        if (asText) {
          // the value written is the option's label (Salesforce stores a picklist's text)
          const labels = new Map((column.options ?? []).map((o) => [o.value, o.label]));
          const values = Object.fromEntries(Object.entries(m.values).map(([k, v]) => [k, v === null ? null : labels.get(v) ?? null]));
          steps.push({ map: { values, ...(other ? { default: other.label, unmapped: 'default' } : { unmapped: 'keep' }) } });
        } else steps.push({ map: { values: m.values, ...(other ? { default: other.value, unmapped: 'default' } : { unmapped: 'keep' }) } });
      }
      break;
    case 'file':
      // a note's text as the body of a file: an empty note still needs a body
      if (f.type === 'html' || text) steps.push({ default: { value: ' ' } }, 'file-of-text');
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

interface Reference {
  field: string;
  target: string;
}

interface Ctx {
  input: ProposeInput;
  target: ProposalTarget;
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
  ctx: Ctx, o: ObjectInventory, kind: string, id: string, refs: Reference[], filter?: string, isCustom = false, discriminator?: FieldProfile,
): MapEntry {
  const { input, target } = ctx;
  const entityName = isCustom ? kind : (target.tableOf(kind as Kind) ?? kind);
  const entity: EntityDescription = ctx.entities.get(entityName) ?? { entity: entityName, primaryId: `${entityName}id`, primaryName: target.customPrimaryName, columns: [], keys: [], custom: true };
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
  const hasFirst = present.some((f) => ['firstname', 'givenname'].includes(normalName(ownName(o.name, f.name))));
  const cols = new Set(entity.columns.filter((c) => c.validForCreate !== false).map((c) => c.name));
  const proposals: { f: FieldProfile; c: Candidate }[] = [];
  const fixed = isCustom ? {} : target.fixed(kind as Kind, entityName, present);
  for (const [column, f] of Object.entries(fixed)) {
    fields[column] = f;
    used.add(column);
  }
  const pending = new Map<FieldProfile, Candidate[]>();
  for (const f of present) {
    if (f === owner) continue;
    const n = normalName(ownName(o.name, f.name));
    if (CREATED_NAMES.has(n) && (f.type === 'timestamp' || f.type === 'date')) {
      // The platform stamps its created time itself; the source's survives in the column a load may set on create
      // (Dataverse's overriddencreatedon, Salesforce's CreatedDate with audit fields on), so a record keeps its age.
      const { platform, custom } = target.created;
      const hasPlatform = entity.columns.some((c) => c.name === platform) || !entity.columns.length;
      const column = hasPlatform ? platform : custom;
      const from = { from: pathOf(f), transforms: textDeclared(f) ? [{ date: { output: 'datetime' as const } }] : [], type: 'datetime' as const, onOverflow: 'reject' as const, required: false };
      fields[column] = { ...from, confidence: hasPlatform ? 0.95 : 0.85, reason: hasPlatform ? target.created.platformReason : target.created.customReason };
      used.add(column);
      if (hasPlatform && (cols.has(custom) || target.destination === 'salesforce')) {
        // the org already has a column for the source's created time (a template or an earlier migration made it),
        // or the platform's is only settable with an org setting: fill the custom one too
        fields[custom] = { ...from, confidence: 0.9, reason: cols.has(custom) ? `the source's created time, also in the destination's ${custom}` : target.created.customReason };
        used.add(custom);
      }
      continue;
    }
    if (!hasFirst && (n === 'fullname' || (n === 'name' && !cols.has('name'))) && cols.has('firstname') && cols.has('lastname')) {
      fields.firstname = { from: pathOf(f), transforms: ['trim', 'first-name'], type: 'string', maxLength: entity.columns.find((c) => c.name === 'firstname')?.maxLength, onOverflow: 'truncate', required: false, confidence: 0.8, reason: `${f.name} split: the first name part` };
      fields.lastname = { from: pathOf(f), transforms: ['trim', 'last-name'], type: 'string', maxLength: entity.columns.find((c) => c.name === 'lastname')?.maxLength, onOverflow: 'truncate', required: true, confidence: 0.8, reason: `${f.name} split: the last name part (${target.words.product} wants a last name)` };
      used.add('firstname').add('lastname');
      continue;
    }
    pending.set(f, candidates(target, entity, f, used, o.name));
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
    const asText = c.type === 'picklist' && target.picklistAsText;
    const field: MapField = {
      from: pathOf(f), transforms: transformsFor(f, c.type, c.column, asText), type: asText ? 'string' : c.type, onOverflow: 'reject',
      required: c.column.required !== 'none' && (c.column.name === entity.primaryName || c.column.required === 'system' || c.column.name === 'lastname'),
      confidence: c.confidence, reason: c.reason,
    };
    if ((c.type === 'string' || c.type === 'memo' || asText) && c.column.maxLength) field.maxLength = c.column.maxLength;
    if (c.type === 'picklist') {
      const m = optionMatch(c.column, f);
      if (m.unmatched.length) field.reason = `${c.reason}; unmatched: ${m.unmatched.slice(0, 6).join(', ')}${m.unmatched.length > 6 ? ', …' : ''}`;
    }
    field.reason += typoNote(f);
    fields[c.column.name] = field;
  }
  if (!isCustom) target.complete(entityName, fields);
  // the rest, and the owner's email as text: proposed custom columns, never dropped
  for (const f of present) {
    if (placed.has(f) || (f !== owner && !pending.has(f))) continue;
    const customName = (suffix = '') => target.customColumn(suffix ? [...words(f.name), suffix] : words(f.name));
    let name = customName();
    for (let i = 2; used.has(name) || name === input.keyColumn; i++) name = customName(String(i));
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
  const unfilled = entity.columns.filter(
    (c) => c.required === 'system' && c.validForCreate !== false && c.name !== entity.primaryId && !target.system.has(c.name) && !fields[c.name] && !lookups[c.name],
  );
  if (unfilled.length && !isCustom) notes.push(`${target.words.product} requires ${unfilled.map((c) => c.name).join(', ')}, which no source field fills: map a field or an expression to ${unfilled.length > 1 ? 'each' : 'it'} before confirming`);
  const landing = isCustom ? null : target.kindNote(kind as Kind, entityName, present);
  if (landing) notes.push(landing);
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
  const lookupCols = entity.columns.filter((c) => c.targets?.length && !ctx.target.system.has(c.name) && c.validForCreate !== false);
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
      // a lookup the destination requires (a quote's opportunity) refuses a child whose parent the source lacks
      const l = (out[column.name] ??= { targets: [], deferrable: false, required: column.required === 'system' });
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
  const target = proposalTarget(input.destination);
  const entities = new Map(withCatalog(input.entities, input.catalog ?? target.catalog).map((e) => [e.entity, e]));
  const ctx: Ctx = { input, target, entities, homes: new Map(), entityOf: new Map() };
  const notMigrated: Record<string, string> = {};
  const splits = new Map<string, NonNullable<ReturnType<typeof activitySplit>>>();
  for (const o of inv.objects) {
    let home = homeOf(o, entities, target);
    if (home.kind !== 'skip' && (o.location === null || o.records - o.deleted === 0)) home = { kind: 'skip', reason: o.note ? `not read: ${o.note}` : 'no records in the source' };
    ctx.homes.set(o.name, home);
    if (home.kind === 'entity' || home.kind === 'custom') ctx.entityOf.set(o.name, [home.entity]);
    else if (home.kind === 'activity') {
      const split = activitySplit(o);
      if (split) splits.set(o.name, split);
      const kinds: Kind[] = split ? [...split.byKind.keys()] : ['task'];
      ctx.entityOf.set(o.name, [...new Set(kinds.map((k) => target.tableOf(k)).filter((t): t is string => !!t))]);
    } else notMigrated[identifierOf(o.name)] = home.reason;
  }
  const refsOf = (object: string): Reference[] => inv.references.filter((r) => r.object === object).map((r) => ({ field: r.field, target: r.target }));
  const objects: MapEntry[] = [];
  // parents before children, as the template reads: accounts, contacts, then the rest in inventory order
  const ORDER = ['account', 'contact', 'lead', 'opportunity', 'product', 'quote', 'quotedetail', 'salesorder', 'salesorderdetail'];
  const rank = (o: ObjectInventory) => {
    const e = ctx.entityOf.get(o.name)?.[0] ?? '';
    const i = ORDER.indexOf(target.kindOf(e));
    return i < 0 ? ORDER.length : i;
  };
  for (const o of [...inv.objects].sort((a, b) => rank(a) - rank(b))) {
    const home = ctx.homes.get(o.name)!;
    const id = identifierOf(o.name).replace(/_/g, '-');
    const refs = refsOf(o.name);
    const split = home.kind === 'entity' && home.as === 'contact' && entities.has(target.tableOf('lead') ?? 'lead') ? leadSplit(o) : null;
    if (split) {
      const field = pathOf(split.field);
      const isLead = `lower(trim(str(${field}))) in [${split.leadValues.map(quote).join(', ')}]`;
      const c = entryFor(ctx, o, 'contact', id, refs, `!(${isLead})`);
      c.note = [`${split.field.name} ${split.contactValues.join(', ') || '(other values)'} → contact; the earlier stages go to lead (next entry)`, c.note].filter(Boolean).join('. ');
      const l = entryFor(ctx, o, 'lead', `${id}-as-lead`, refs, isLead);
      l.note = [`${split.field.name} ${split.leadValues.join(', ')} → lead: people not yet customers are leads in ${target.destination === 'salesforce' ? 'Salesforce' : 'Dynamics'}`, l.note].filter(Boolean).join('. ');
      objects.push(c, l);
    } else if (home.kind === 'entity') objects.push(entryFor(ctx, o, home.as, id, refs));
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
