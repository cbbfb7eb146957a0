import { randomUUID } from 'crypto';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createLogger, FerryError, sleep } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { topics } from '@ferry/contracts';
import { createKafka, ensureTopics, sendControl } from '@ferry/kafka';
import { confirmedMap } from '@ferry/mapping';
import { pickMigration, progress, type Progress } from '@ferry/ops';
import { mismatchTable, parityTable, type DiffReport } from '@ferry/parity';
import { CheckpointRepository, connectDataSource, CutoverRepository, CutoverVerdictRepository } from '@ferry/persistence';
import { diffMigration } from './diff.command';

const print = (s: string) => process.stdout.write(`${s}\n`);

export interface CutoverOptions {
  migration?: string;
  /** seconds to wait for the extractor's final pass */
  timeoutSeconds: number;
  /** seconds to wait for every phase to drain after it; 0 skips the parity gate (freeze only) */
  drainTimeoutSeconds: number;
  /** records per object compared field by field by the parity gate */
  sampleSize: number;
  seed?: string;
  exportDir?: string;
  /** called while waiting, with one line on where it stands */
  onWait?: (line: string) => void;
}

export interface CutoverResult {
  migration: string;
  completed: boolean;
  requestedAt: Date | null;
  completedAt: Date | null;
  streams: Array<{ stream: string; complete: boolean; watermark: number | null; updatedAt: Date }>;
  /** null: the gate did not run (final pass unfinished, or skipped) */
  drained: Progress | null;
  parity: DiffReport | null;
  passed: boolean;
  /** when the migration was cut over (its first passing gate); null while none has passed */
  cutOverAt: Date | null;
}

/**
 * `ferry cutover`: freezes extraction, waits for the final delta pass and for every phase to drain (no consumer
 * lag, every object reconciled, nothing waiting), then the parity gate: per source object, every destination
 * record its live records make is found by key (or dead-lettered with a reason), and K random records per object
 * hold, column by column, what the map makes of the source. Every gate's verdict is stored; the migration is cut
 * over only by one that passes. The request is stored first, so an extractor that is down finishes the final
 * pass when it starts; a running one hears it on the control topic.
 */
export async function runCutover(o: CutoverOptions): Promise<CutoverResult> {
  const cfg = loadConfig([settings.database, settings.kafka]);
  const db = await connectDataSource(cfg.DATABASE_URL);
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-cli', retries: 2 }, createLogger('cli', 'silent'));
  try {
    const migration = await pickMigration(db, o.migration);
    const repo = new CutoverRepository(db, migration);
    if (!(await repo.request())) throw new FerryError('USAGE', `no migration "${migration}"`, 'fatal');
    const before = await repo.get();
    if (!before?.completedAt) {
      await ensureTopics(kafka, [topics.control(migration)], 1);
      const producer = kafka.producer({ maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await sendControl(producer, topics.control(migration), { type: 'cutover', phase: 'extract', requestId: randomUUID() });
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    let state = await repo.get();
    while (!state?.completedAt && Date.now() < deadline) {
      await sleep(250);
      state = await repo.get();
    }
    const streams = (await new CheckpointRepository(db, migration).all()).map((c) => ({
      stream: c.stream,
      complete: c.complete,
      watermark: typeof c.state.watermark === 'number' ? c.state.watermark : null,
      updatedAt: c.updatedAt,
    }));
    const verdicts = new CutoverVerdictRepository(db, migration);
    const result: CutoverResult = {
      migration,
      completed: !!state?.completedAt,
      requestedAt: state?.requestedAt ?? null,
      completedAt: state?.completedAt ?? null,
      streams,
      drained: null,
      parity: null,
      passed: false,
      cutOverAt: await verdicts.cutOverAt(),
    };
    if (!result.completed || o.drainTimeoutSeconds === 0) return result;

    const map = await confirmedMap(db, migration);
    if (!map) throw new FerryError('MAP_NOT_CONFIRMED', `migration ${migration} has no confirmed map: there is nothing to check parity of`, 'fatal');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const drainBy = Date.now() + o.drainTimeoutSeconds * 1000;
      let p = await progress(db, admin, map.plan, migration);
      let said = 0;
      while (!p.settled && Date.now() < drainBy) {
        if (Date.now() - said > 10_000) {
          o.onWait?.(drainLine(p));
          said = Date.now();
        }
        await sleep(1000);
        p = await progress(db, admin, map.plan, migration);
      }
      result.drained = p;
      if (!p.settled) return result;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const report = await diffMigration(db, migration, { sample: o.sampleSize, seed: o.seed, exportDir: o.exportDir });
    result.parity = report;
    result.passed = report.clean;
    await verdicts.record({
      passed: report.clean,
      sampleSize: o.sampleSize,
      seed: report.seed,
      objects: report.objects as unknown as Array<Record<string, unknown>>,
      mismatchCount: report.mismatchCount,
      mismatches: report.mismatches as unknown as Array<Record<string, unknown>>,
    });
    result.cutOverAt = await verdicts.cutOverAt();
    return result;
  } finally {
    await db.destroy();
  }
}

function drainLine(p: Progress): string {
  const waiting = p.entities.reduce((s, e) => s + e.waiting, 0);
  const inFlight = p.sources.reduce((s, x) => s + x.inFlight, 0) + p.entities.reduce((s, e) => s + e.inFlight, 0);
  return `draining: consumer lag ${p.lag}, ${inFlight} in flight, ${waiting} waiting for a parent${p.extractionComplete ? '' : ', extraction not complete'}`;
}

const whole = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
  return n;
};

export function registerCutover(program: Command): void {
  program
    .command('cutover')
    .description('freeze extraction (one final delta pass), wait until every phase drains, then check parity per object; cut over only when it passes')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--timeout <s>', 'seconds to wait for the extractor to finish the final pass', whole(1), 120)
    .option('--drain-timeout <s>', 'seconds to wait for every phase to drain after it (0: freeze only, no parity gate)', whole(0), 600)
    .option('--sample-size <k>', 'records per object the gate compares field by field (presence is checked for every record)', whole(1), 50)
    .option('--seed <text>', 'the random choice of the sample, to repeat a gate')
    .option('--export <dir>', 'the source export the extractor read (default: FERRY_EXPORT_DIR)')
    .option('--json', 'machine-readable verdict')
    .action(async (o) => {
      const r = await runCutover({
        migration: o.migration,
        timeoutSeconds: o.timeout,
        drainTimeoutSeconds: o.drainTimeout,
        sampleSize: o.sampleSize,
        seed: o.seed,
        exportDir: o.export,
        onWait: o.json ? undefined : print,
      });
      if (o.json) {
        print(JSON.stringify({ migration: r.migration, extractionFrozenAt: r.completedAt, drained: r.drained?.settled ?? false, passed: r.passed, cutOverAt: r.cutOverAt, parity: r.parity }, null, 2));
      } else {
        for (const s of r.streams) {
          print(`  ${s.stream}: ${s.complete ? 'snapshot complete' : 'snapshot incomplete'}${s.watermark !== null ? `, watermark ${new Date(s.watermark).toISOString()}` : ''}, last checkpoint ${s.updatedAt.toISOString()}`);
        }
      }
      if (!r.completed) {
        throw new FerryError('CUTOVER_PENDING', `cutover of ${r.migration} requested, but no extractor finished the final pass within ${o.timeout} s; extraction is frozen and a (re)started extractor finishes it`, 'fatal');
      }
      if (!o.json) print(`cutover of ${r.migration}: final delta pass done at ${r.completedAt?.toISOString()}; extraction is frozen`);
      if (o.drainTimeout === 0) return;
      if (!r.drained?.settled) {
        throw new FerryError('CUTOVER_NOT_DRAINED', `cutover of ${r.migration}: not cut over, the phases did not drain within ${o.drainTimeout} s (${drainLine(r.drained!)}); see \`ferry status\` and run \`ferry cutover\` again`, 'fatal');
      }
      const report = r.parity!;
      if (!o.json) {
        print(`parity gate (${o.sampleSize} random records per object compared field by field, seed ${report.seed}; every record checked by key):`);
        print(parityTable(report));
        const table = mismatchTable({ ...report, mismatches: report.mismatches.slice(0, 50) });
        if (table) print(table);
      }
      if (!r.passed) {
        throw new FerryError('CUTOVER_PARITY', `cutover of ${r.migration}: parity gate FAILED with ${report.mismatchCount} mismatch${report.mismatchCount === 1 ? '' : 'es'}; not cut over (fix them, then run \`ferry cutover\` again)`, 'fatal');
      }
      if (!o.json) print(`cutover of ${r.migration}: parity gate PASSED; cut over at ${r.cutOverAt?.toISOString()}`);
    });
}
