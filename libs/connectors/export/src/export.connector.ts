import { stat } from 'fs/promises';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import {
  customText,
  readExportRows,
  readExportStream,
  type AutomationDefinition,
  type AvroSchema,
  type CheckResult,
  type ExportLocation,
  type ReadOptions,
  type RowPreparer,
  type RejectCode,
  type SampleManifest,
  type SampleOptions,
  type SourceApiSpec,
  type SourceConnector,
  type SourceMessage,
  type StreamDefinition,
} from '@ferry/connectors/core';
import { generateExportSample } from './sample/export-sample.generator';
import { exportRecordSchema, normalKeyValue, syntheticKey } from './export-record.schema';
import {
  keyField,
  OWNER_EMAIL_FIELD,
  referenceField,
  SYNTHETIC_KEY_FIELD,
  type ExportObject,
  type ExportSourceDocument,
} from './export-source.document';

/** Where an object sits in the folder; every column is claimed by the field the description names. */
export function exportLocation(o: ExportObject): ExportLocation {
  return {
    file: o.file,
    format: o.format,
    ...(o.sheet !== undefined ? { sheet: o.sheet } : {}),
    ...(o.arrayPath !== undefined ? { arrayPath: o.arrayPath } : {}),
    columns: Object.fromEntries(o.fields.map((f) => [f.column, f.field])),
  };
}

/** Text of a cell as the coercer would key it: trimmed text, numbers as written. */
const cellText = (v: unknown) => customText(v).trim();

/** name (normalised) → value of another column, over one object's file; a name held by two rows finds nothing */
type Lookup = Map<string, string | null>;

/**
 * Any CRM's export folder, read as its confirmed description says: one stream per object, keyed by its key
 * column or by a key hashed from its composite natural key, with references given by display name turned into
 * the parent's key and owners given by name or id turned into their email, both looked up in the other
 * object's file as the stream is read. Delta is the extractor's own for exports: a changed file is read again
 * and only records whose content changed move on.
 */
export class ExportConnector implements SourceConnector {
  readonly system = 'export' as const;
  readonly displayName: string;
  private readonly byName: Map<string, ExportObject>;

  constructor(readonly document: ExportSourceDocument) {
    this.displayName = document.displayName;
    this.byName = new Map(document.objects.map((o) => [o.name, o]));
  }

  get api(): SourceApiSpec {
    throw noApi();
  }

  streams(): StreamDefinition[] {
    return this.document.objects.map((o) => ({
      name: o.name,
      key: keyField(o),
      cursor: null,
      references: o.references.map((r) => ({ field: referenceField(o, r), object: r.object })),
      export: exportLocation(o),
      description: `${o.file}${o.sheet ? ` (sheet ${o.sheet})` : ''}: ${o.rows} rows when discovered, keyed by ${o.key.columns.join(' + ')}`,
    }));
  }

  /** The Avro record of a stream, generated from the description. */
  recordSchema(stream: string): AvroSchema {
    return exportRecordSchema(this.object(stream));
  }

  private object(name: string): ExportObject {
    const o = this.byName.get(name);
    if (!o) throw new FerryError('USAGE', `the export has no object "${name}"; its objects are ${[...this.byName.keys()].join(', ')}`, 'fatal');
    return o;
  }

  async *readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    const o = this.object(stream);
    const def = this.streams().find((s) => s.name === stream)!;
    const prepare = await this.preparer(dir, o);
    yield* readExportStream({ system: this.system, dir, stream: def, schema: this.recordSchema(stream), options, prepare });
  }

  /** Adds the derived fields to a row: the synthetic key, the keys of parents named by name, the owner's email. */
  private async preparer(dir: string, o: ExportObject): Promise<RowPreparer | undefined> {
    const steps: Array<(values: Record<string, unknown>) => void> = [];
    if (o.key.columns.length > 1) {
      const columns = o.key.columns;
      steps.push((v) => {
        v[SYNTHETIC_KEY_FIELD] = syntheticKey(columns.map((c) => v[c])) ?? '';
      });
    }
    for (const r of o.references) {
      if (r.by !== 'name') continue;
      const target = this.object(r.object);
      const names = await this.lookup(dir, target, r.targetColumn!, null);
      const field = referenceField(o, r);
      steps.push((v) => {
        const name = normalKeyValue(v[r.column]);
        v[field] = name === '' ? '' : (names.get(name) ?? '');
      });
    }
    const owner = o.owner;
    if (owner) {
      if (owner.by === 'email') {
        steps.push((v) => {
          v[OWNER_EMAIL_FIELD] = v[owner.column] ?? '';
        });
      } else {
        const users = this.object(owner.users!.object);
        const emails = await this.lookup(dir, users, owner.users!.match, owner.users!.email);
        steps.push((v) => {
          const name = normalKeyValue(v[owner.column]);
          v[OWNER_EMAIL_FIELD] = name === '' ? '' : (emails.get(name) ?? '');
        });
      }
    }
    if (steps.length === 0) return undefined;
    return (values) => {
      const out = { ...values };
      for (const step of steps) step(out);
      return out;
    };
  }

  /** One pass over an object's file: its `match` column (normalised) → its key, or the `value` column. */
  private async lookup(dir: string, o: ExportObject, match: string, value: string | null): Promise<Lookup> {
    const out: Lookup = new Map();
    const keyColumns = o.key.columns;
    try {
      for await (const row of readExportRows(join(dir, o.file), exportLocation(o))) {
        if (row.kind !== 'row') continue;
        const name = normalKeyValue(row.values[match]);
        if (name === '') continue;
        const found = value !== null ? cellText(row.values[value]) : keyColumns.length > 1 ? syntheticKey(keyColumns.map((c) => row.values[c])) : cellText(row.values[keyColumns[0]]);
        if (!found) continue;
        // the same name on two records points at neither: the reference stays unresolved rather than guessed
        out.set(name, out.has(name) && out.get(name) !== found ? null : found);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return out;
  }

  async checkExport(dir: string): Promise<CheckResult> {
    const problems: string[] = [];
    try {
      if (!(await stat(dir)).isDirectory()) return { ok: false, problems: [`${dir} is not a folder; point --export at the folder holding the export`] };
    } catch {
      return { ok: false, problems: [`${dir} does not exist; point --export at the folder holding the export`] };
    }
    for (const o of this.document.objects) {
      try {
        await stat(join(dir, o.file));
      } catch {
        problems.push(`${join(dir, o.file)} is missing: the confirmed description reads ${o.name} from it; put the export's ${o.file} there`);
        continue;
      }
      if (o.format === 'csv' || o.format === 'xlsx') {
        let labels: string[] | null = null;
        const rows = readExportRows(join(dir, o.file), exportLocation(o), { onHeader: (l) => (labels = l) });
        await rows.next();
        await rows.return(undefined);
        const have = new Set(((labels ?? []) as string[]).map((l) => l.trim().toLowerCase()));
        const missing = o.key.columns.filter((c) => !have.has(c.trim().toLowerCase()));
        if (missing.length) problems.push(`${o.file}: the key column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${o.name} ${missing.length > 1 ? 'are' : 'is'} not in its header; fix the export or the description's key`);
      }
    }
    return { ok: problems.length === 0, problems };
  }

  fromApiItem(): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
    throw noApi();
  }

  toApiItem(): Record<string, unknown> {
    throw noApi();
  }

  /** A folder shaped like another CRM's export (`options.style`), whatever this connector's description says. */
  generate(options: SampleOptions): Promise<SampleManifest> {
    return generateExportSample(options);
  }

  automations(): AutomationDefinition[] {
    return [];
  }
}

function noApi(): FerryError {
  return new FerryError('USAGE', 'the export source is read from its folder (--export); it has no API to call', 'fatal');
}
