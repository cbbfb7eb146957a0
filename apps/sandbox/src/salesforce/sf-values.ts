import { canonicalId } from './sf-ids';
import { RecErr } from './sf-errors';
import type { SfField } from './sf-objects';

/** Salesforce's datetime format: 2024-05-01T09:30:00.000+0000. */
export function sfDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** The system fields every new record gets: created and last modified now, by this user. */
export function systemFields(now: string, userId: string | null): Record<string, unknown> {
  return { IsDeleted: false, CreatedDate: now, CreatedById: userId, LastModifiedDate: now, LastModifiedById: userId, SystemModstamp: now };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** The stored form of a date-only text, or null when it is not one. */
export function parseDate(text: string): string | null {
  const m = DATE.exec(text.trim());
  return m && validDate(+m[1], +m[2], +m[3]) ? text.trim() : null;
}

/** The stored form of a datetime text (date-only texts mean midnight UTC), or null. */
export function parseDateTime(text: string): string | null {
  const t = text.trim();
  if (DATE.test(t)) return parseDate(t) ? `${t}T00:00:00.000+0000` : null;
  const m = DATETIME.exec(t);
  if (!m || !validDate(+m[1], +m[2], +m[3])) return null;
  const zone = m[9] ? (m[9] === 'Z' ? 'Z' : m[9].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[7] ?? '00'}${m[8] ?? ''}${zone}`);
  return Number.isNaN(d.getTime()) ? null : sfDateTime(d);
}

/**
 * A value sent for a field, checked and turned into what the org stores (null clears). Texts from CSV arrive as
 * strings for every type. Throws the record-level error Salesforce gives for it.
 */
export function coerceValue(field: SfField, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  const label = field.label;
  const name = field.name;
  switch (field.type) {
    case 'string':
    case 'textarea':
    case 'picklist':
    case 'multipicklist':
    case 'combobox':
    case 'email':
    case 'phone':
    case 'url': {
      if (typeof raw === 'object') throw RecErr.wrongType(label, name, JSON.stringify(raw));
      const text = String(raw);
      if (text === '') return null;
      if (field.length && text.length > field.length) throw RecErr.tooLong(label, name, text, field.length);
      if (field.type === 'email' && !EMAIL.test(text)) throw RecErr.email(label, name, text);
      if (field.type === 'picklist' && field.restrictedPicklist) {
        const hit = field.picklistValues.find((v) => v.active && v.value.toLowerCase() === text.toLowerCase());
        if (!hit) throw RecErr.restricted(label, name, text);
        return hit.value;
      }
      return text;
    }
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isInteger(n)) throw RecErr.wrongType(label, name, raw);
      return n;
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw RecErr.wrongType(label, name, raw);
      const digits = Math.abs(Math.trunc(n)).toString().length;
      if (field.precision && digits > field.precision - field.scale) {
        throw RecErr.wrongType(label, name, `${raw} (more than ${field.precision - field.scale} digits before the decimal point)`);
      }
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const t = String(raw).trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      throw RecErr.wrongType(label, name, raw);
    }
    case 'date': {
      if (typeof raw !== 'string') throw RecErr.wrongType(label, name, raw);
      if (raw === '') return null;
      const d = parseDate(raw) ?? (parseDateTime(raw)?.slice(0, 10) ?? null);
      if (!d) throw RecErr.wrongType(label, name, raw);
      return d;
    }
    case 'datetime': {
      if (typeof raw !== 'string') throw RecErr.wrongType(label, name, raw);
      if (raw === '') return null;
      const d = parseDateTime(raw);
      if (!d) throw RecErr.wrongType(label, name, raw);
      return d;
    }
    case 'base64': {
      if (typeof raw !== 'string' || !BASE64.test(raw)) throw RecErr.wrongType(label, name, '(not base64)');
      return raw.replace(/\s+/g, '');
    }
    case 'id':
    case 'reference': {
      if (raw === '') return null;
      const id = canonicalId(raw);
      if (!id) throw RecErr.malformedId(label, name, raw);
      return id;
    }
    default:
      return raw;
  }
}

/** The normalised text a unique or external-ID value is matched by. */
export function keyText(field: SfField, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}

export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}
