import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { AvroCodec, createKafka } from '@ferry/kafka';
import { DlqFilter, groupLetters, letterKey, parseSince, pickMigration, readDeadLetters, redriveDeadLetters } from '@ferry/ops';
import type { DataSource } from 'typeorm';
import type { Kafka } from 'kafkajs';
import { migratedDataSource } from './db';
import { migrationMap } from './map.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };
const clip = (s: string | null, n: number) => (s === null ? '' : s.length > n ? `${s.slice(0, n - 1)}…` : s);
const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number from 1');
  return n;
};

interface Common {
  migration?: string;
  object?: string;
  code?: string;
  phase?: string;
  since?: string;
  json?: boolean;
}

async function withContext<T>(o: Common, work: (c: { db: DataSource; kafka: Kafka; codec: AvroCodec; migration: string; filter: DlqFilter }) => Promise<T>): Promise<T> {
  const cfg = loadConfig([settings.database, settings.kafka]);
  const filter: DlqFilter = { object: o.object, code: o.code, phase: o.phase, since: parseSince(o.since) };
  const db = await migratedDataSource(cfg.DATABASE_URL);
  try {
    const migration = await pickMigration(db, o.migration);
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-cli', retries: 2 }, createLogger('cli', 'silent'));
    return await work({ db, kafka, codec: new AvroCodec(cfg.SCHEMA_REGISTRY_URL), migration, filter });
  } finally {
    await db.destroy();
  }
}

const filters = (c: Command) =>
  c
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--object <name>', 'only this source object or destination entity')
    .option('--code <code>', 'only this rejection code')
    .option('--phase <phase>', 'only rejects of this phase (extract, transform, resolve, load)')
    .option('--since <time>', 'only letters written at or after this ISO time, or within a duration such as 30m, 2h, 1d')
    .option('--json', 'machine-readable output');

/** `ferry dlq list|show|redrive`: what was rejected and why, and sending it through again once fixed. */
export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('the dead-letter queue: what was rejected, why, and sending it through again after a fix');

  filters(dlq.command('list').description('rejects by object, phase and code, with an example each')).action(async (o: Common) =>
    withContext(o, async ({ db, kafka, codec, migration, filter }) => {
      const groups = groupLetters(await readDeadLetters(kafka, codec, db, migration, filter));
      if (o.json) return print(JSON.stringify({ migration, groups }, null, 2));
      if (!groups.length) return print(`migration ${migration}: no dead letters${o.object || o.code || o.phase || o.since ? ' match' : ''}`);
      const t = new Table({ ...plain, head: ['object', 'entity', 'phase', 'code', 'records', 'letters', 'redriven', 'example'] });
      for (const g of groups) t.push([g.objectType, g.entity ?? '', g.phase, g.code, String(g.records), String(g.letters), String(g.redriven), clip(`${g.exampleKey}: ${g.exampleReason}`, 90)]);
      print(`migration ${migration}: dead letters`);
      print(t.toString());
    }),
  );

  filters(dlq.command('show').description('the rejected records: key or file and line, code, reason and raw value, a page at a time'))
    .option('--page <n>', 'page to show', positive, 1)
    .option('--page-size <n>', 'letters per page', positive, 50)
    .action(async (o: Common & { page: number; pageSize: number }) =>
      withContext(o, async ({ db, kafka, codec, migration, filter }) => {
        const all = await readDeadLetters(kafka, codec, db, migration, filter);
        const pages = Math.max(1, Math.ceil(all.length / o.pageSize));
        const page = all.slice((o.page - 1) * o.pageSize, o.page * o.pageSize);
        if (o.json) {
          return print(JSON.stringify({ migration, page: o.page, pages, total: all.length, letters: page.map((s) => ({ partition: s.partition, offset: s.offset, redriven: s.redriven, ...s.letter })) }, null, 2));
        }
        if (!all.length) return print(`migration ${migration}: no dead letters match`);
        const t = new Table({ ...plain, head: ['at', 'object', 'record', 'phase', 'code', 'reason', 'raw'] });
        for (const s of page) {
          const l = s.letter;
          const where = l.file && l.line !== null ? `${l.file}:${l.line}` : letterKey(l);
          t.push([new Date(l.at).toISOString().slice(0, 19), l.entity && l.phase !== 'TRANSFORM' ? `${l.objectType} → ${l.entity}` : l.objectType, `${where}${s.redriven ? ' (redriven)' : ''}`, l.phase, l.code, clip(l.reason, 70), clip(l.raw, 50)]);
        }
        print(t.toString());
        print(`page ${o.page} of ${pages} (${all.length} letter(s)); --page N for more, --json for the whole raw values`);
      }),
    );

  filters(dlq.command('redrive').description('send the selected rejected records through the phase that rejected them again (after fixing the map or the data)'))
    .option('--again', 'also send letters an earlier redrive already sent')
    .action(async (o: Common & { again?: boolean }) =>
      withContext(o, async ({ db, kafka, codec, migration, filter }) => {
        const { plan } = await migrationMap(db, migration);
        const r = await redriveDeadLetters(kafka, codec, db, plan, migration, filter, { again: !!o.again });
        if (o.json) return print(JSON.stringify({ migration, ...r }, null, 2));
        const total = Object.values(r.sent).reduce((a, b) => a + b, 0);
        const per = Object.entries(r.sent).map(([phase, n]) => `${n} to ${phase.toLowerCase()}`).join(', ');
        print(`migration ${migration}: redrove ${total} record(s)${per ? ` (${per})` : ''} covering ${r.letters} dead letter(s)`);
        if (r.alreadyRedriven) print(`  ${r.alreadyRedriven} letter(s) were sent by an earlier redrive and not sent again (--again sends them)`);
        if (r.notFound.length) print(`  ${r.notFound.length} record(s) are no longer in their phase's input topic (retention), e.g. ${r.notFound[0].object} ${r.notFound[0].key}`);
        if (r.extractRows) print(`  ${r.extractRows} malformed export row(s): fix the export and drop it again; the extractor reads it as a delta`);
        if (!total && !r.alreadyRedriven && !r.notFound.length && !r.extractRows) print('  nothing matched');
      }),
    );
}
