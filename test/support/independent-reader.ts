import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

/**
 * Reads a topic of Ferry's with tools no one here wrote, to prove that an outside client can decode what Ferry
 * writes (Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary body).
 *
 * - Apache Kafka's own ConsoleConsumer (`infra/kafka-tool.sh console-consumer`) reads the raw value bytes. With
 *   `value.deserializer=org.apache.kafka.common.serialization.BytesDeserializer` its DefaultMessageFormatter prints
 *   each value through Kafka's `Bytes.toString`, which keeps printable ASCII except `\` and writes every other byte
 *   (tab, newline and `\` included) as `\xNN`. One message is thus one line, and the escaping reverses exactly.
 * - The schema comes from the registry's Confluent-compatible API by the id in the message header
 *   (GET /schemas/ids/<id>).
 * - Apache Avro's own avro-tools decodes the body: `java -jar avro-tools-1.12.0.jar fragtojson --no-pretty
 *   --schema-file <schema.avsc> <body.avro>`, which prints Avro's JSON encoding of the datum (non-null union
 *   values wrapped as {"<branch>": value}). The jar comes from Maven Central once, into ~/.ferry/cache.
 *
 * This stands in for `kcat -s value=avro`, which Debian's kcat cannot do (built without Avro support).
 */

export const AVRO_TOOLS_VERSION = '1.12.0';
const MVN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'; // as infra/common.sh
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const KAFKA_TOOL = path.join(REPO_ROOT, 'infra', 'kafka-tool.sh');
/** Short-lived JVMs: small heap, C1 only (as infra/common.sh's KAFKA_TOOL_JVM_OPTS). */
const JVM_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

const run = promisify(execFile);

export interface ThirdPartyReadOptions {
  /** How many messages to read from the beginning of the topic (ConsoleConsumer's --max-messages). */
  count: number;
  /** host:port[,host:port…]; default 127.0.0.1:9092. */
  bootstrap?: string;
  /** The registry's Confluent-compatible API; default http://127.0.0.1:8081/apis/ccompat/v7. */
  registryUrl?: string;
  /** How long ConsoleConsumer waits for the next message before giving up (--timeout-ms); default 20 s. */
  timeoutMs?: number;
}

export interface ThirdPartyRecord {
  partition: number;
  offset: number;
  /** The key as text (ConsoleConsumer prints a null key as "null"). */
  key: string;
  /** The schema id from the wire-format header. */
  schemaId: number;
  /** avro-tools' JSON encoding of the value: records as objects, non-null unions as {"<branch>": value}. */
  json: unknown;
}

/** Reads `opts.count` messages of `topic` with Kafka's ConsoleConsumer and decodes each value with avro-tools. */
export async function readWithThirdPartyTools(topic: string, opts: ThirdPartyReadOptions): Promise<ThirdPartyRecord[]> {
  const bootstrap = opts.bootstrap ?? '127.0.0.1:9092';
  const registryUrl = (opts.registryUrl ?? 'http://127.0.0.1:8081/apis/ccompat/v7').replace(/\/+$/, '');
  const jar = await avroToolsJar();
  const raw = await consoleConsume(topic, bootstrap, opts.count, opts.timeoutMs ?? 20_000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-independent-reader-'));
  let ok = false;
  try {
    const schemaFiles = new Map<number, string>();
    const out: ThirdPartyRecord[] = [];
    for (const m of raw) {
      const where = `${topic} partition ${m.partition} offset ${m.offset}`;
      if (m.value === null) throw new Error(`${where}: a tombstone (null value); Ferry's topics carry none`);
      if (m.value.length < 5 || m.value[0] !== 0) {
        throw new Error(`${where}: not Confluent wire format (want magic byte 0 and a 4-byte schema id, got ${m.value.subarray(0, 8).toString('hex')}…)`);
      }
      const schemaId = m.value.readInt32BE(1);
      let schemaFile = schemaFiles.get(schemaId);
      if (!schemaFile) {
        schemaFile = path.join(dir, `schema-${schemaId}.avsc`);
        fs.writeFileSync(schemaFile, await fetchSchema(registryUrl, schemaId));
        schemaFiles.set(schemaId, schemaFile);
      }
      const bodyFile = path.join(dir, `p${m.partition}-o${m.offset}.avro`);
      fs.writeFileSync(bodyFile, m.value.subarray(5));
      out.push({ partition: m.partition, offset: m.offset, key: m.key, schemaId, json: await fragToJson(jar, schemaFile, bodyFile, where) });
    }
    ok = true;
    return out;
  } catch (e) {
    // Keep the schema and body files, so that the command in the message can be run again by hand.
    if (e instanceof Error) e.message += `\n  (files kept in ${dir})`;
    throw e;
  } finally {
    if (ok) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka's ConsoleConsumer
// ---------------------------------------------------------------------------------------------------------------

export interface RawMessage {
  partition: number;
  offset: number;
  key: string;
  /** The value's exact bytes; null for a tombstone. */
  value: Buffer | null;
}

const BYTES = 'org.apache.kafka.common.serialization.BytesDeserializer';

/** The first `count` messages of `topic` as Kafka's ConsoleConsumer reads them, values as exact bytes. */
export function readRawWithConsoleConsumer(topic: string, opts: ThirdPartyReadOptions): Promise<RawMessage[]> {
  return consoleConsume(topic, opts.bootstrap ?? '127.0.0.1:9092', opts.count, opts.timeoutMs ?? 20_000);
}

async function consoleConsume(topic: string, bootstrap: string, count: number, timeoutMs: number): Promise<RawMessage[]> {
  const args = [
    KAFKA_TOOL, 'console-consumer', '--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning',
    '--max-messages', String(count), '--timeout-ms', String(timeoutMs),
    '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true',
    '--property', `key.deserializer=${BYTES}`, '--property', `value.deserializer=${BYTES}`,
  ];
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await run('bash', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs + 60_000 }));
  } catch (e) {
    throw new Error(`Kafka's ConsoleConsumer failed on ${topic}: ${failure(e)}\n  command: bash ${args.join(' ')}`);
  }
  // Default separators: "Partition:<p>\tOffset:<o>\t<key>\t<value>\n"; key and value escape tab and newline as \xNN.
  const got: RawMessage[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const m = /^Partition:(\d+)\tOffset:(\d+)\t([^\t]*)\t([^\t]*)$/.exec(line);
    if (!m) throw new Error(`unexpected ConsoleConsumer output line on ${topic}: ${JSON.stringify(line.slice(0, 200))}`);
    // A null value prints as the formatter's null literal "null", which no wire-format value (leading \x00) can be.
    got.push({ partition: Number(m[1]), offset: Number(m[2]), key: unescapeKafkaBytes(m[3]).toString('utf8'), value: m[4] === 'null' ? null : unescapeKafkaBytes(m[4]) });
  }
  if (got.length !== count) {
    throw new Error(`Kafka's ConsoleConsumer read ${got.length} of the ${count} messages expected on ${topic} within ${timeoutMs} ms` + (stderr.trim() ? `\n${tail(stderr)}` : ''));
  }
  return got;
}

/** Reverses Kafka's `Bytes.toString`: printable ASCII other than `\` as is, every other byte as `\xNN`. */
export function unescapeKafkaBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) {
      const hex = s.slice(i + 2, i + 4);
      if (s[i + 1] !== 'x' || !/^[0-9A-F]{2}$/.test(hex)) throw new Error(`not Kafka Bytes.toString output at ${i}: ${JSON.stringify(s.slice(i, i + 4))}`);
      out.push(parseInt(hex, 16));
      i += 4;
    } else {
      if (c < 0x20 || c > 0x7e) throw new Error(`not Kafka Bytes.toString output: raw character ${c} at ${i}`);
      out.push(c);
      i += 1;
    }
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------------------------

async function fetchSchema(registryUrl: string, id: number): Promise<string> {
  const url = `${registryUrl}/schemas/ids/${id}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`schema registry does not answer GET ${url}: ${failure(e)}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new Error(`schema registry answered ${res.status} to GET ${url}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { schema?: unknown; schemaType?: string };
  if (typeof body.schema !== 'string') throw new Error(`GET ${url} returned no "schema" string: ${text.slice(0, 300)}`);
  if (body.schemaType && body.schemaType.toUpperCase() !== 'AVRO') throw new Error(`schema ${id} is ${body.schemaType}, not Avro`);
  return body.schema;
}

// ---------------------------------------------------------------------------------------------------------------
// Apache Avro's avro-tools
// ---------------------------------------------------------------------------------------------------------------

async function fragToJson(jar: string, schemaFile: string, bodyFile: string, where: string): Promise<unknown> {
  const args = [...JVM_OPTS, '-jar', jar, 'fragtojson', '--no-pretty', '--schema-file', schemaFile, bodyFile];
  let stdout: string;
  try {
    ({ stdout } = await run(javaBin(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }));
  } catch (e) {
    throw new Error(`avro-tools fragtojson could not decode ${where}: ${failure(e)}\n  command: java ${args.join(' ')}`);
  }
  // fragtojson prints one line per datum until the input ends: exactly one line means the body was exactly one datum.
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`avro-tools fragtojson printed ${lines.length} datums for ${where}, expected 1:\n${tail(stdout)}`);
  return JSON.parse(lines[0]);
}

/** The java on JAVA_HOME if set, else on PATH, as infra/common.sh's kafka_java. */
function javaBin(): string {
  const home = process.env.JAVA_HOME;
  if (home && fs.existsSync(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return 'java';
}

function cacheDir(): string {
  return path.join(process.env.FERRY_HOME || path.join(os.homedir(), '.ferry'), 'cache', `avro-tools-${AVRO_TOOLS_VERSION}`);
}

/**
 * The avro-tools jar, fetched once from Maven Central with Maven into ~/.ferry/cache/avro-tools-<version>/. It
 * lands in a temporary directory and is renamed into place only when complete, so an interrupted fetch (or two
 * test workers fetching at once) never leaves a partial jar that would later pass for a whole one.
 */
export async function avroToolsJar(): Promise<string> {
  const dir = cacheDir();
  const jar = path.join(dir, `avro-tools-${AVRO_TOOLS_VERSION}.jar`);
  if (fs.existsSync(jar)) return jar;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, '.fetch-'));
  const args = ['-B', '-q', '-Dstyle.color=never', `${MVN_DEPENDENCY_PLUGIN}:copy`, `-Dartifact=org.apache.avro:avro-tools:${AVRO_TOOLS_VERSION}`, `-DoutputDirectory=${tmp}`];
  try {
    // Run inside the fresh directory: without a project, Maven plugins may write under the current directory.
    await run('mvn', args, { cwd: tmp, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
    const fetched = path.join(tmp, path.basename(jar));
    if (!fs.existsSync(fetched)) throw new Error(`Maven finished but ${path.basename(jar)} is not in ${tmp}`);
    fs.renameSync(fetched, jar);
    return jar;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const hint = code === 'ENOENT' ? 'Maven (mvn) is not on PATH; it is needed once to fetch avro-tools from Maven Central' : failure(e);
    throw new Error(`fetching org.apache.avro:avro-tools:${AVRO_TOOLS_VERSION} into ${dir} failed: ${hint}\n  command: mvn ${args.join(' ')}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// kcat, where it was built with Avro support
// ---------------------------------------------------------------------------------------------------------------

/**
 * Whether a kcat with Avro/Schema-Registry support is on PATH: `kcat -V` lists "Avro" among its features only
 * then (Debian's build lists "JSON, Transactions, IncrementalAssign" and answers `-s value=avro` with "This build
 * of kcat lacks Avro/Schema-Registry support").
 */
export async function kcatWithAvro(): Promise<boolean> {
  try {
    const { stdout, stderr } = await run('kcat', ['-V'], { encoding: 'utf8', timeout: 10_000 });
    return /\bAvro\b/i.test(stdout + stderr);
  } catch {
    return false; // no kcat at all
  }
}

/** `kcat -C -s value=avro -r <registry> -e`: each value as libserdes' JSON, one per line. */
export async function readWithKcat(topic: string, opts: { bootstrap?: string; registryUrl?: string }): Promise<unknown[]> {
  const args = ['-C', '-b', opts.bootstrap ?? '127.0.0.1:9092', '-t', topic, '-s', 'value=avro', '-r', opts.registryUrl ?? 'http://127.0.0.1:8081/apis/ccompat/v7', '-e', '-q'];
  let stdout: string;
  try {
    ({ stdout } = await run('kcat', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }));
  } catch (e) {
    throw new Error(`kcat failed on ${topic}: ${failure(e)}\n  command: kcat ${args.join(' ')}`);
  }
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
}

// ---------------------------------------------------------------------------------------------------------------
// Avro's JSON encoding back to plain values
// ---------------------------------------------------------------------------------------------------------------

/**
 * Turns Avro's JSON encoding of a datum (as avro-tools and kcat print it) into the plain object a producer would
 * pass: a non-null union value {"<branch>": v} becomes v. Branches are matched by primitive name, full name or short
 * name (avro-tools writes full names). Walks the writer's schema; throws on anything that does not fit it.
 */
export function plainFromAvroJson(schema: unknown, json: unknown): unknown {
  const s = typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema;
  const named: Named = new Map();
  collectNamed(s, '', named);
  return toPlain(s, json, named, '', '$');
}

type Named = Map<string, Record<string, unknown>>;

/** Every named type of the schema by full name, so a reference resolves wherever its definition sits. */
function collectNamed(s: unknown, ns: string, named: Named): void {
  if (Array.isArray(s)) return s.forEach((b) => collectNamed(b, ns, named));
  if (s === null || typeof s !== 'object') return;
  const o = s as Record<string, unknown>;
  if (o.type === 'record' || o.type === 'error' || o.type === 'enum' || o.type === 'fixed') {
    const full = fullName(o, ns);
    named.set(full, o);
    const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    for (const f of (o.fields as { type: unknown }[] | undefined) ?? []) collectNamed(f.type, inner, named);
  } else if (o.type === 'array') collectNamed(o.items, ns, named);
  else if (o.type === 'map') collectNamed(o.values, ns, named);
}

function toPlain(s: unknown, v: unknown, named: Named, ns: string, at: string): unknown {
  if (Array.isArray(s)) {
    if (v === null) return null;
    const keys = v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
    const branch = keys.length === 1 ? s.find((b) => branchNames(b, named, ns).includes(keys[0])) : undefined;
    if (branch === undefined) throw new Error(`${at}: ${JSON.stringify(v)} is not a union value of ${JSON.stringify(s.map((b) => branchNames(b, named, ns)[0]))}`);
    return toPlain(branch, (v as Record<string, unknown>)[keys[0]], named, ns, at);
  }
  if (typeof s === 'string') {
    const ref = named.get(s) ?? named.get(`${ns}.${s}`);
    return ref ? toPlain(ref, v, named, ns, at) : v; // a primitive: the JSON value is the value
  }
  const o = s as Record<string, unknown>;
  switch (o.type) {
    case 'record':
    case 'error': {
      const full = fullName(o, ns);
      const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${at}: expected a ${full} record, got ${JSON.stringify(v)}`);
      const out: Record<string, unknown> = {};
      for (const f of o.fields as { name: string; type: unknown }[]) {
        out[f.name] = toPlain(f.type, (v as Record<string, unknown>)[f.name], named, inner, `${at}.${f.name}`);
      }
      return out;
    }
    case 'enum':
    case 'fixed':
      return v;
    case 'array':
      return (v as unknown[]).map((x, i) => toPlain(o.items, x, named, ns, `${at}[${i}]`));
    case 'map':
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toPlain(o.values, x, named, ns, `${at}.${k}`)]));
    default:
      return v; // a primitive written as {"type": "long", "logicalType": …}
  }
}

function fullName(o: Record<string, unknown>, ns: string): string {
  const name = String(o.name);
  if (name.includes('.')) return name;
  const space = typeof o.namespace === 'string' ? o.namespace : ns;
  return space ? `${space}.${name}` : name;
}

/** The names a union branch may be written under: primitive type, or full and short name of a named type. */
function branchNames(b: unknown, named: Named, ns: string): string[] {
  if (typeof b === 'string') {
    const ref = named.get(b) ?? named.get(`${ns}.${b}`);
    return ref ? branchNames(ref, named, ns) : [b];
  }
  const o = b as Record<string, unknown>;
  if (o.type === 'record' || o.type === 'error' || o.type === 'enum' || o.type === 'fixed') {
    const full = fullName(o, ns);
    return [full, full.slice(full.lastIndexOf('.') + 1)];
  }
  return [String(o.type)];
}

// ---------------------------------------------------------------------------------------------------------------

function failure(e: unknown): string {
  const x = e as { message?: string; stdout?: unknown; stderr?: unknown; killed?: boolean; signal?: string };
  if (x.killed) return `timed out (killed by ${x.signal ?? 'a signal'})`;
  // JVM tools put the error on stderr; Maven puts its [ERROR] lines on stdout.
  for (const out of [x.stderr, x.stdout]) {
    const t = typeof out === 'string' ? tail(out) : '';
    if (t) return t;
  }
  return x.message ?? String(e);
}

/**
 * The last lines of a tool's output that say something: no ANSI colours, Java stack frames or Hadoop's
 * native-library warning, so an exception's own line is what shows.
 */
function tail(s: string, lines = 12): string {
  return s
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s+at |^\s+\.\.\. \d+ more|NativeCodeLoader|^\[ERROR\] *$|Re-run Maven|^\[ERROR\] (To see|For more|\[Help)/.test(l))
    .slice(-lines)
    .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l))
    .join('\n');
}
