import { spawnSync } from 'child_process';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { readExportStream } from '../src/export-stream.reader';
import type { AvroSchema } from '../src/record-schema';
import type { ExportFormat, StreamDefinition } from '../src/source.connector';

/**
 * Export reader throughput: generates files in a temp folder, then reads and types them the way connectors
 * do (readExportStream: rows, coercion, state messages), reporting rows/s and peak RSS.
 *   npm run build && node dist/libs/connectors/core/bench/export-reader.bench.js [csvRows=1000000] [xlsxRows=200000] [jsonRows=200000]
 * The files are written by a child process, so the RSS figures are the reader's own.
 */

const SCHEMA: AvroSchema = {
  type: 'record',
  name: 'BenchContact',
  namespace: 'ferry.bench',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'first_name', type: ['null', 'string'], default: null },
    { name: 'last_name', type: ['null', 'string'], default: null },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'phone', type: ['null', 'string'], default: null },
    { name: 'visits', type: ['null', 'int'], default: null },
    { name: 'active', type: ['null', 'boolean'], default: null },
    { name: 'amount', type: ['null', 'string'], default: null, 'ferry.kind': 'money' },
    { name: 'created_at', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
    { name: 'custom', type: { type: 'map', values: 'string' }, default: {} },
  ],
};
const HEADER = ['Id', 'First Name', 'Last Name', 'Email', 'Phone', 'Visits', 'Active', 'Amount', 'Created At', 'Notes'];
const FIRST = ['Ada', 'Grace', 'Linus', 'Çağla', 'Jürgen', 'Margaret', 'Ken', 'Barbara', 'Zoë', 'Mehmet'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Yıldız', 'Müller', 'Hamilton', 'Thompson', 'Liskov', 'Ñúñez', 'Öztürk'];

/** One row's cells; every 10th has a note with a comma (quoted in CSV), every 50th a note spanning two lines. */
function cells(i: number): string[] {
  const f = FIRST[i % 10];
  const l = LAST[(i * 7) % 10];
  const note = i % 50 === 0 ? 'called twice\nleft a message' : i % 10 === 0 ? 'prefers email, not phone' : '';
  return [
    `c${i}`,
    f,
    l,
    `${f.toLowerCase()}.${i}@example.com`,
    `+1 555 ${String(i % 10_000_000).padStart(7, '0')}`,
    String(i % 1000),
    i % 3 === 0 ? 'yes' : 'no',
    `${Math.floor(i / 7) % 100_000}.${String(i % 100).padStart(2, '0')}`,
    `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:15:00Z`,
    note,
  ];
}

function csvLine(values: string[]): string {
  return values.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

async function writeLines(path: string, lines: (i: number) => string, count: number, head?: string, tail?: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  if (head !== undefined) await write(head);
  let batch = '';
  for (let i = 0; i < count; i++) {
    batch += lines(i);
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch + (tail ?? ''));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Contacts');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const c = cells(i);
    const row = ws.addRow([c[0], c[1], c[2], c[3], c[4], i % 1000, i % 3 === 0, Number(c[7]), new Date(Date.parse(c[8])), c[9]]);
    row.getCell(9).numFmt = 'yyyy-mm-dd hh:mm';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

interface Result {
  records: number;
  rejects: number;
  seconds: number;
  /** CPU time of this process while reading: the figure that holds when other processes share the cores */
  cpuSeconds: number;
  peakRss: number;
  /** V8 heap in use, sampled every 100,000 rows, with RSS: flat lines mean the reader holds nothing per row */
  peakHeap: number;
  trace: string[];
}

async function readAll(dir: string, file: string, format: ExportFormat, extra: Partial<StreamDefinition['export']> = {}): Promise<Result> {
  const stream: StreamDefinition = {
    name: 'contact',
    key: 'id',
    cursor: 'created_at',
    references: [],
    export: { file, format, ...extra },
    description: 'bench',
  };
  let records = 0;
  let rejects = 0;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  const trace: string[] = [];
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for await (const m of readExportStream({ system: 'leaf360', dir, stream, schema: SCHEMA })) {
    if (m.type === 'record') records++;
    else if (m.type === 'reject') rejects++;
    else {
      const rss = process.memoryUsage.rss();
      peakRss = Math.max(peakRss, rss);
      if ((records + rejects) % 100_000 === 0) {
        // With --expose-gc the heap is measured after a full collection: what the reader still holds.
        (globalThis as { gc?: () => void }).gc?.();
        const heap = process.memoryUsage().heapUsed;
        peakHeap = Math.max(peakHeap, heap);
        trace.push(`${(records + rejects) / 1000}k:${mb(rss)}/${mb(heap)}`);
      }
    }
  }
  const used = process.cpuUsage(cpu);
  return { records, rejects, seconds: Number(process.hrtime.bigint() - t) / 1e9, cpuSeconds: (used.user + used.system) / 1e6, peakRss, peakHeap, trace };
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

function report(label: string, bytes: number, r: Result): void {
  const rows = r.records + r.rejects;
  process.stdout.write(
    `${label}: ${r.records} records + ${r.rejects} rejects from ${mb(bytes)} in ${r.seconds.toFixed(2)} s = ${Math.round(rows / r.seconds)} rows/s ` +
      `(${(bytes / 1048576 / r.seconds).toFixed(0)} MB/s); ${r.cpuSeconds.toFixed(2)} CPU s = ${Math.round(rows / r.cpuSeconds)} rows per CPU second; ` +
      `RSS while reading peaked at ${mb(r.peakRss)}, heap in use at ${mb(r.peakHeap)}\n` +
      (r.trace.length ? `  rows: RSS/heap ${r.trace.join(' ')}\n` : ''),
  );
}

/** Writes the files; run in a child process so its memory does not count against the reading. */
async function generate(dir: string, csvRows: number, xlsxRows: number, jsonRows: number): Promise<void> {
  if (csvRows > 0) {
    await writeLines(join(dir, 'contacts.csv'), (i) => (i % 1000 === 999 ? `c${i},"broken quote,x\n` : `${csvLine(cells(i))}\n`), csvRows, `${HEADER.join(',')}\n`);
  }
  if (jsonRows > 0) {
    const item = (i: number) => {
      const c = cells(i);
      return JSON.stringify(Object.fromEntries(HEADER.map((h, k) => [h, k === 5 ? i % 1000 : k === 6 ? i % 3 === 0 : c[k]])));
    };
    await writeLines(join(dir, 'contacts.ndjson'), (i) => `${item(i)}\n`, jsonRows);
    await writeLines(join(dir, 'contacts.json'), (i) => `${i ? ',' : ''}\n${item(i)}`, jsonRows, '{"data":[', ']}\n');
  }
  if (xlsxRows > 0) await writeXlsx(join(dir, 'contacts.xlsx'), xlsxRows);
}

async function main(): Promise<void> {
  const [csvRows, xlsxRows, jsonRows] = [process.argv[2] ?? 1_000_000, process.argv[3] ?? 200_000, process.argv[4] ?? 200_000].map(Number);
  const dir = join(tmpdir(), `ferry-export-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const t = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [__filename, 'generate', dir, String(csvRows), String(xlsxRows), String(jsonRows)], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`generating the files failed (exit ${child.status})`);
    process.stdout.write(
      `node ${process.version}; generated the files in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s; ` +
        `${SCHEMA.fields!.length - 1} typed fields + custom; a state message every 1000 rows; RSS before reading ${mb(process.memoryUsage.rss())}\n`,
    );
    const size = (f: string) => statSync(join(dir, f)).size;
    if (csvRows > 0) report(`CSV ${csvRows} rows, 10 columns`, size('contacts.csv'), await readAll(dir, 'contacts.csv', 'csv'));
    if (jsonRows > 0) {
      report(`NDJSON ${jsonRows} lines`, size('contacts.ndjson'), await readAll(dir, 'contacts.ndjson', 'ndjson'));
      report(`JSON ${jsonRows} items (arrayPath data)`, size('contacts.json'), await readAll(dir, 'contacts.json', 'json', { arrayPath: 'data' }));
    }
    if (xlsxRows > 0) report(`XLSX ${xlsxRows} rows, 10 columns`, size('contacts.xlsx'), await readAll(dir, 'contacts.xlsx', 'xlsx', { sheet: 'Contacts' }));
    process.stdout.write(`process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const run = process.argv[2] === 'generate' ? generate(process.argv[3], ...process.argv.slice(4, 7).map(Number) as [number, number, number]) : main();
  run.catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
