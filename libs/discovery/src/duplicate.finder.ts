import { SortedSpill } from './sorted.spill';

export type ContactKind = 'email' | 'phone';

export interface SharedValues {
  /** email addresses (or phone numbers) carried by more than one record */
  values: number;
  /** records carrying one of them */
  records: number;
  /** the first shared values in sort order, with how many records carry each */
  examples: Array<{ value: string; records: number }>;
}

export interface DuplicateReport {
  /** the fields compared */
  fields: string[];
  email: SharedValues;
  phone: SharedValues;
  /** records sharing an email or a phone with another record (each record once) */
  records: number;
}

const SEP = '\u0000';
const ORDINAL_WIDTH = 12;
const pad = (n: number) => String(n).padStart(ORDINAL_WIDTH, '0');

/** Lower-cased and trimmed. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

/** Digits only; beyond ten digits only the last ten count, so `+1 512 555 0100` meets `(512) 555-0100`. */
export const normalPhone = (digits: string) => (digits.length > 10 ? digits.slice(-10) : digits);

/**
 * Records sharing an email or a phone within one object, by external sort: each candidate value is spilled
 * with the record's ordinal, sorted, and read back in groups; the ordinals of shared groups go to a second
 * spill so a record sharing both its email and its phone counts once.
 */
export class DuplicateFinder {
  private readonly spills = new Map<string, { object: string; field: string; kind: ContactKind; spill: SortedSpill }>();

  constructor(
    private readonly dir: string,
    private readonly bufferValues = 50_000,
  ) {}

  /** `normalized` comes from normalEmail / normalPhone; `ordinal` numbers the object's records from 0. */
  add(object: string, field: string, kind: ContactKind, normalized: string, ordinal: number): void {
    const id = `${object}${SEP}${field}${SEP}${kind}`;
    let s = this.spills.get(id);
    if (!s) {
      const name = `dup.${object}.${field}.${kind}`.replace(/[^A-Za-z0-9_.-]/g, '_');
      this.spills.set(id, (s = { object, field, kind, spill: new SortedSpill(this.dir, name, this.bufferValues) }));
    }
    s.spill.add(`${kind === 'email' ? 'e' : 'p'}:${normalized}${SEP}${pad(ordinal)}`);
  }

  /** Compares the given fields of one object, then drops every spill of the object. */
  async report(object: string, fields: Array<{ name: string; kind: ContactKind }>): Promise<DuplicateReport> {
    const chosen: SortedSpill[] = [];
    const mine = [...this.spills].filter(([, s]) => s.object === object);
    for (const [, s] of mine) {
      if (fields.some((f) => f.name === s.field && f.kind === s.kind)) chosen.push(s.spill);
    }
    try {
      return await this.count(chosen, fields);
    } finally {
      for (const [id, s] of mine) {
        s.spill.dispose();
        this.spills.delete(id);
      }
    }
  }

  private async count(chosen: SortedSpill[], fields: Array<{ name: string; kind: ContactKind }>): Promise<DuplicateReport> {
    const report: DuplicateReport = {
      fields: fields.map((f) => f.name),
      email: { values: 0, records: 0, examples: [] },
      phone: { values: 0, records: 0, examples: [] },
      records: 0,
    };
    if (chosen.length === 0) return report;
    const ordinals = new SortedSpill(this.dir, 'dup.ordinals', this.bufferValues);
    let group: string | null = null;
    let first = '';
    let last = '';
    let members = 0;
    const close = () => {
      if (group === null || members < 2) return;
      const shared = group.startsWith('e:') ? report.email : report.phone;
      shared.values++;
      shared.records += members;
      if (shared.examples.length < 3) shared.examples.push({ value: group.slice(2), records: members });
    };
    for await (const entry of SortedSpill.merged(chosen)) {
      const at = entry.lastIndexOf(SEP);
      const value = entry.slice(0, at);
      const ordinal = entry.slice(at + 1);
      if (value !== group) {
        close();
        group = value;
        first = last = ordinal;
        members = 1;
        continue;
      }
      // the same record can carry the value twice (two email fields): count it once
      if (ordinal === last) continue;
      if (members === 1) ordinals.add(first);
      ordinals.add(ordinal);
      last = ordinal;
      members++;
    }
    close();
    let prev: string | null = null;
    for await (const o of SortedSpill.merged([ordinals])) {
      if (o !== prev) report.records++;
      prev = o;
    }
    ordinals.dispose();
    return report;
  }

  dispose(): void {
    for (const s of this.spills.values()) s.spill.dispose();
  }
}
