import { SortedSpill } from './sorted.spill';

export interface KeyReport {
  /** records without a key value */
  missing: number;
  /** key values carried by more than one record */
  duplicateKeys: number;
  /** records whose key another record of the same object also carries */
  duplicateRecords: number;
}

export interface ReferenceReport {
  object: string;
  field: string;
  target: string;
  /** records with a value in the field */
  values: number;
  /** false when the target's keys were not read, so orphans cannot be counted */
  checked: boolean;
  /** values naming a target key that does not exist (null when not checked) */
  orphans: number | null;
  distinctOrphans: number | null;
  /** the first orphan values in key order */
  examples: string[];
  note?: string;
}

const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const t = String(v).trim();
  return t === '' ? null : t;
};

/**
 * Orphans and duplicate keys by external sort: every key and every reference value goes to a spill on disk,
 * and each reference is checked by one merge-join of its sorted values against its target's sorted keys.
 * Memory holds a spill buffer per key and per reference field, never the key set itself.
 */
export class ReferenceChecker {
  private readonly keys = new Map<string, SortedSpill>();
  private readonly missingKeys = new Map<string, number>();
  private readonly refs = new Map<string, { object: string; field: string; target: string; spill: SortedSpill }>();

  constructor(
    private readonly dir: string,
    private readonly bufferValues = 50_000,
  ) {}

  private spill(name: string) {
    return new SortedSpill(this.dir, name.replace(/[^A-Za-z0-9_.-]/g, '_'), this.bufferValues);
  }

  /** Starts an object's key set (so an object with no records still counts as read). */
  object(object: string): void {
    if (!this.keys.has(object)) this.keys.set(object, this.spill(`key.${object}`));
  }

  addKey(object: string, value: unknown): void {
    this.object(object);
    const k = text(value);
    if (k === null) this.missingKeys.set(object, (this.missingKeys.get(object) ?? 0) + 1);
    else this.keys.get(object)!.add(k);
  }

  /** Lists a reference before any value is seen, so one without values is still reported (with none). */
  declare(object: string, field: string, target: string) {
    const id = `${object}\u0000${field}`;
    let r = this.refs.get(id);
    if (!r) this.refs.set(id, (r = { object, field, target, spill: this.spill(`ref.${object}.${field}`) }));
    return r;
  }

  addReference(object: string, field: string, target: string, value: unknown): void {
    const v = text(value);
    const r = this.declare(object, field, target);
    if (v !== null) r.spill.add(v);
  }

  /** An object is read: its keys and reference values move to disk until the checks. */
  seal(object: string): void {
    this.keys.get(object)?.seal();
    for (const r of this.refs.values()) if (r.object === object) r.spill.seal();
  }

  async keyReport(object: string): Promise<KeyReport> {
    const report: KeyReport = { missing: this.missingKeys.get(object) ?? 0, duplicateKeys: 0, duplicateRecords: 0 };
    const spill = this.keys.get(object);
    if (!spill) return report;
    let prev: string | null = null;
    let run = 0;
    const close = () => {
      if (run > 1) {
        report.duplicateKeys++;
        report.duplicateRecords += run;
      }
    };
    for await (const k of SortedSpill.merged([spill])) {
      if (k === prev) run++;
      else {
        close();
        prev = k;
        run = 1;
      }
    }
    close();
    return report;
  }

  /**
   * Every reference declared so far, checked against the keys of its target. `unread` explains targets
   * whose keys were never added (not in the export, or not an object of the source).
   */
  async references(unread: (target: string) => string): Promise<ReferenceReport[]> {
    const out: ReferenceReport[] = [];
    for (const r of this.refs.values()) {
      const keys = this.keys.get(r.target);
      const base = { object: r.object, field: r.field, target: r.target, values: r.spill.size };
      if (!keys) {
        out.push({ ...base, checked: false, orphans: null, distinctOrphans: null, examples: [], note: unread(r.target) });
        continue;
      }
      out.push({ ...base, checked: true, ...(await countOrphans(SortedSpill.merged([r.spill]), SortedSpill.merged([keys]))) });
    }
    return out;
  }

  dispose(): void {
    for (const s of this.keys.values()) s.dispose();
    for (const r of this.refs.values()) r.spill.dispose();
  }
}

/** One merge-join of sorted reference values against sorted keys. */
export async function countOrphans(
  values: AsyncIterable<string>,
  keys: AsyncIterable<string>,
): Promise<{ orphans: number; distinctOrphans: number; examples: string[] }> {
  const it = keys[Symbol.asyncIterator]();
  let key = await it.next();
  let orphans = 0;
  let distinctOrphans = 0;
  let lastOrphan: string | null = null;
  const examples: string[] = [];
  for await (const v of values) {
    while (!key.done && key.value < v) key = await it.next();
    if (!key.done && key.value === v) continue;
    orphans++;
    if (v !== lastOrphan) {
      distinctOrphans++;
      lastOrphan = v;
      if (examples.length < 3) examples.push(v);
    }
  }
  // let a file-backed key source close its file
  await it.return?.();
  return { orphans, distinctOrphans, examples };
}
