import Table from 'cli-table3';
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { loadConfig, settings } from '@ferry/config';
import { pickMigration } from '@ferry/ops';
import { FileManifestRepository, OwnerRepository, QualityRepository, ReconRepository } from '@ferry/persistence';
import { migratedDataSource } from './db';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };
const cut = (s: string | null | undefined, n = 60) => (!s ? '' : s.length > n ? `${s.slice(0, n)}…` : s);

export interface QualityReport {
  migration: string;
  rejections: Awaited<ReturnType<ReconRepository['rejectionsByCode']>>;
  unmappedValues: { object: string; entity: string; column: string; value: string; occurrences: number; exampleKey: string | null }[];
  unusableValues: { object: string; entity: string; column: string; kind: string; occurrences: number; exampleKey: string | null; exampleValue: string | null; detail: string | null }[];
  tooLong: { entity: string; column: string; truncated: number; rejected: number }[];
  merges: Awaited<ReturnType<ReconRepository['merges']>>;
  owners: { sourceEmail: string; status: string; records: number }[];
  oversizedFiles: Awaited<ReturnType<FileManifestRepository['all']>>;
}

/** Everything a person should look at before signing off a migration's data, from what the phases recorded. */
export async function qualityReport(db: DataSource, migration: string): Promise<QualityReport> {
  const recon = new ReconRepository(db, migration);
  const issues = await new QualityRepository(db, migration).all();
  const rejections = await recon.rejectionsByCode();
  const unmapped = issues.filter((i) => i.kind.startsWith('unmapped '));
  const other = issues.filter((i) => !i.kind.startsWith('unmapped '));
  const tooLong = new Map<string, { entity: string; column: string; truncated: number; rejected: number }>();
  for (const i of other.filter((x) => x.kind === 'truncated')) {
    const k = `${i.entity}.${i.column}`;
    tooLong.set(k, { entity: i.entity, column: i.column, truncated: (tooLong.get(k)?.truncated ?? 0) + i.occurrences, rejected: tooLong.get(k)?.rejected ?? 0 });
  }
  for (const r of rejections.filter((x) => x.code === 'VALUE_TOO_LONG' || x.code === '0x80044331')) {
    const column = /([a-z0-9_]+)\.([a-z0-9_]+) allows/.exec(r.exampleReason)?.[2] ?? /'([a-z0-9_]+)' attribute/.exec(r.exampleReason)?.[1] ?? '?';
    const k = `${r.name}.${column}`;
    tooLong.set(k, { entity: r.name, column, truncated: tooLong.get(k)?.truncated ?? 0, rejected: (tooLong.get(k)?.rejected ?? 0) + r.records });
  }
  return {
    migration,
    rejections,
    unmappedValues: unmapped.map((i) => ({ object: i.objectType, entity: i.entity, column: i.column, value: JSON.parse(i.kind.slice('unmapped '.length)) ?? '(empty)', occurrences: i.occurrences, exampleKey: i.exampleKey })),
    unusableValues: other.filter((x) => x.kind !== 'truncated').map((i) => ({ object: i.objectType, entity: i.entity, column: i.column, kind: i.kind, occurrences: i.occurrences, exampleKey: i.exampleKey, exampleValue: i.exampleValue, detail: i.detail })),
    tooLong: [...tooLong.values()],
    merges: await recon.merges(),
    owners: (await new OwnerRepository(db, migration).report()).filter((o) => o.status !== 'matched').map((o) => ({ sourceEmail: o.sourceEmail || '(no owner)', status: o.status, records: o.records })),
    oversizedFiles: await new FileManifestRepository(db, migration).all(),
  };
}

export function qualityText(r: QualityReport): string {
  const out: string[] = [`data quality of migration ${r.migration}`];
  const section = (title: string, head: string[], rows: (string | number)[][], none: string) => {
    out.push('', title);
    if (!rows.length) return void out.push(`  ${none}`);
    const t = new Table({ ...plain, head });
    for (const row of rows) t.push(row);
    out.push(t.toString());
  };
  section('rejected records, by code', ['side', 'object or entity', 'phase', 'code', 'records', 'example'], r.rejections.map((x) => [x.side, x.name, x.phase, x.code, x.records, `${x.exampleKey}: ${cut(x.exampleReason, 80)}`]), 'none');
  section('picklist values the map does not know (kept, defaulted or emptied by its unmapped policy)', ['object', 'column', 'value', 'records', 'example'], r.unmappedValues.map((x) => [x.object, `${x.entity}.${x.column}`, cut(x.value, 40), x.occurrences, x.exampleKey ?? '']), 'none');
  section('values an optional column could not take (the column went empty)', ['object', 'column', 'kind', 'records', 'example'], r.unusableValues.map((x) => [x.object, `${x.entity}.${x.column}`, x.kind, x.occurrences, `${x.exampleKey ?? ''} ${cut(x.exampleValue, 30)}`]), 'none');
  section('values too long for their column', ['column', 'truncated', 'rejected'], r.tooLong.map((x) => [`${x.entity}.${x.column}`, x.truncated, x.rejected]), 'none');
  section('duplicates merged into one destination record (many:1 keys)', ['entity', 'records merged into', 'source records', 'largest'], r.merges.map((x) => [x.entity, x.mergedRecords, x.sourceRecords, `${x.exampleKey} (${x.exampleSources} sources)`]), 'none');
  section('owners not matched to an active user', ['source owner', 'status', 'records'], r.owners.map((x) => [x.sourceEmail, x.status, x.records]), 'every owner matched');
  section('files over the destination limit (their records landed without them)', ['record', 'file', 'bytes', 'limit'], r.oversizedFiles.map((x) => [`${x.entity} ${x.key}`, x.fileName ?? '', x.bytes, x.limitBytes]), 'none');
  return out.join('\n');
}

export function reportCommand(program: Command): void {
  const report = program.command('report').description("reports on a migration's data");
  report
    .command('quality')
    .description('rejects by code, unmapped picklist values, merged duplicates, values too long, owners defaulted or queued, oversized files')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const r = await qualityReport(db, await pickMigration(db, o.migration));
        print(o.json ? JSON.stringify(r, null, 2) : qualityText(r));
      } finally {
        await db.destroy();
      }
    });
}
