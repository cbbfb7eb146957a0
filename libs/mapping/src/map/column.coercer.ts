import { FerryError } from '@ferry/common';
import type { ColumnType } from '@ferry/contracts';
import type { ValueKind } from '../map-lang';

/** A value that cannot be the column's type after its transforms ran. */
export class ColumnValueError extends FerryError {
  constructor(code: string, message: string) {
    super(code, message, 'dead-letter');
    this.name = 'ColumnValueError';
  }
}

const DAY = 86_400_000;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

/**
 * The last step of every field: the chain's result in the form the column's Avro type holds (days for a date,
 * epoch ms for a date-time, exact decimal text for money). `kind` says how a number from the chain is to be read.
 */
export function coerceColumn(value: unknown, type: ColumnType, kind: ValueKind, where: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value.trim() === '' && type !== 'string' && type !== 'memo') return null;
  const fail = (code: string, what: string): never => {
    throw new ColumnValueError(code, `${where} takes ${what}; "${show(value)}" is not one (add a transform that makes it one)`);
  };
  switch (type) {
    case 'string':
    case 'memo':
    case 'file':
    case 'uniqueidentifier': {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && kind === 'date') return new Date(value * DAY).toISOString().slice(0, 10);
      if (typeof value === 'number' && kind === 'timestamp') return new Date(value).toISOString();
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined && v !== '').join(' ') || null;
      return fail('NOT_TEXT', 'text');
    }
    case 'integer':
    case 'picklist':
    case 'bigint': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
      if (!Number.isSafeInteger(n)) return fail('NOT_INTEGER', 'a whole number');
      if (type !== 'bigint' && (n > 2_147_483_647 || n < -2_147_483_648)) return fail('INTEGER_RANGE', 'a 32-bit whole number');
      return n;
    }
    case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
      return Number.isFinite(n) ? n : fail('NOT_NUMBER', 'a number');
    }
    case 'decimal':
    case 'money': {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && DECIMAL.test(value.trim())) return value.trim();
      return fail('NOT_DECIMAL', 'an exact decimal such as 1234.50');
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail('NOT_BOOLEAN', 'true or false');
    case 'datetime': {
      if (typeof value === 'number') return kind === 'date' ? value * DAY : value;
      if (typeof value === 'string') {
        const ms = Date.parse(value);
        if (!Number.isNaN(ms)) return ms;
      }
      return fail('NOT_DATETIME', 'a date and time');
    }
    case 'dateonly': {
      if (typeof value === 'number') return kind === 'timestamp' ? Math.floor(value / DAY) : value;
      if (typeof value === 'string') {
        const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
        if (m) return Math.floor(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY);
      }
      return fail('NOT_DATE', 'a date');
    }
  }
}
