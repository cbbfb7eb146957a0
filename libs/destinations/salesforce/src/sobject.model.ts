import type { ColumnType } from '@ferry/contracts';
import type { ColumnDescription, EntityDescription, WriteColumn } from '@ferry/destinations/core';

/** The parts of a describe field Ferry reads. */
export interface SfField {
  name: string;
  type: string;
  length?: number;
  nillable?: boolean;
  createable?: boolean;
  updateable?: boolean;
  defaultedOnCreate?: boolean;
  externalId?: boolean;
  unique?: boolean;
  idLookup?: boolean;
  nameField?: boolean;
  custom?: boolean;
  restrictedPicklist?: boolean;
  picklistValues?: { value: string; label?: string; active?: boolean }[];
  referenceTo?: string[];
  relationshipName?: string | null;
}

export interface SfDescribe {
  name: string;
  custom?: boolean;
  createable?: boolean;
  fields: SfField[];
  recordTypeInfos?: { recordTypeId: string; developerName?: string; name?: string; active?: boolean; master?: boolean }[];
}

/** Salesforce field types holding text (what `length` sizes). */
const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'email', 'phone', 'url', 'combobox', 'encryptedstring']);

/**
 * One sObject as describe gives it, seen through Ferry's lower-case map names: Salesforce matches API names
 * case-insensitively, so `stagename` finds `StageName`, and writes go out under the API names.
 */
export class SObjectModel {
  readonly apiName: string;
  private readonly fields = new Map<string, SfField>();
  private readonly recordTypes = new Map<string, string>();

  constructor(
    /** the map's lower-case name */
    readonly entity: string,
    readonly describe: SfDescribe,
  ) {
    this.apiName = describe.name;
    for (const f of describe.fields) this.fields.set(f.name.toLowerCase(), f);
    for (const r of describe.recordTypeInfos ?? []) {
      if (r.active === false || !r.developerName) continue;
      this.recordTypes.set(r.developerName.toLowerCase(), r.recordTypeId);
    }
  }

  field(name: string): SfField | undefined {
    return this.fields.get(name.toLowerCase());
  }

  /** The record type's id from its DeveloperName (matched case-insensitively, active ones only). */
  recordTypeId(developerName: string): string | undefined {
    return this.recordTypes.get(developerName.toLowerCase());
  }

  get recordTypeNames(): string[] {
    return (this.describe.recordTypeInfos ?? []).filter((r) => r.active !== false && r.developerName).map((r) => r.developerName!);
  }

  /** Fields the platform takes on insert but never on update (ContentVersion.VersionData, audit fields). */
  isInsertOnly(f: SfField): boolean {
    return f.createable === true && f.updateable === false;
  }

  description(): EntityDescription {
    const columns = this.describe.fields.map((f) => columnOf(f));
    const nameField = this.describe.fields.find((f) => f.nameField);
    return {
      entity: this.entity,
      primaryId: 'id',
      primaryName: (nameField?.name ?? 'Name').toLowerCase(),
      columns,
      keys: this.describe.fields.filter((f) => f.externalId).map((f) => ({ name: f.name.toLowerCase(), columns: [f.name.toLowerCase()], status: 'Active' as const })),
      custom: Boolean(this.describe.custom),
    };
  }
}

/**
 * A describe field as Ferry's column description. Picklist options: Salesforce stores a picklist's text, not a
 * number, so each active value becomes `{ value: <its position, from 0>, label: <the API value> }`; a map column of
 * type `picklist` that carries a number is written as the value at that position (see `wireValue`), a `string`
 * column is written as it is.
 */
export function columnOf(f: SfField): ColumnDescription {
  const options = (f.picklistValues ?? []).filter((p) => p.active !== false).map((p, i) => ({ value: i, label: p.value }));
  return {
    name: f.name.toLowerCase(),
    type: f.type,
    ...(TEXT_TYPES.has(f.type) && f.length ? { maxLength: f.length } : {}),
    required: f.createable && !f.nillable && !f.defaultedOnCreate ? 'system' : 'none',
    ...(f.referenceTo?.length ? { targets: f.referenceTo.map((t) => t.toLowerCase()) } : {}),
    ...(f.type === 'picklist' || f.type === 'multipicklist' ? { options } : {}),
    ...(f.createable === false ? { validForCreate: false } : {}),
    ...(f.updateable === false ? { validForUpdate: false } : {}),
  };
}

/** Avro date (days since the epoch) → `YYYY-MM-DD`. */
export const dateOnly = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);

/**
 * A column value in the JSON form the REST API takes: dates as `YYYY-MM-DD` (also when a date-time lands in a date
 * field), date-times as ISO 8601 UTC, numbers as numbers, booleans as booleans, null to clear.
 */
export function wireValue(c: WriteColumn, f?: SfField): unknown {
  if (c.value === null || c.value === undefined) return null;
  const t: ColumnType = c.type;
  const v = c.value;
  if (t === 'dateonly') return dateOnly(Number(v));
  if (t === 'datetime') {
    const iso = new Date(Number(v)).toISOString();
    return f?.type === 'date' ? iso.slice(0, 10) : iso;
  }
  if (t === 'money' || t === 'decimal' || t === 'double' || t === 'integer' || t === 'bigint') return Number(v);
  if (t === 'boolean') return typeof v === 'string' ? v === 'true' : Boolean(v);
  if (t === 'picklist' && typeof v === 'number' && f?.picklistValues) {
    const active = f.picklistValues.filter((p) => p.active !== false);
    return active[v]?.value ?? String(v);
  }
  return v;
}

/** A JSON wire value as a Bulk API 2.0 CSV cell: `#N/A` clears a field, an empty cell leaves it as it is. */
export function csvCell(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '#N/A';
  const s = typeof v === 'string' ? v : typeof v === 'boolean' || typeof v === 'number' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
