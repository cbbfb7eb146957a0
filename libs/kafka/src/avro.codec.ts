import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import type { AvroSchema } from '@ferry/contracts';
import { FerryError, nameEndpoint, outageOf, sleep } from '@ferry/common';
import { registryAuth } from '@ferry/config';

/**
 * Avro values through the schema registry in Confluent wire format (magic byte, 4-byte schema id, Avro body).
 * Subjects follow the topic-name strategy, `<topic>-value`, with BACKWARD compatibility.
 */
export class AvroCodec {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, number>();
  /** per topic: the registered schema as an avsc type and the 5-byte wire header, so encoding needs no await */
  private readonly writers = new Map<string, { type: avro.Type; header: Buffer }>();
  /** per schema id: the schema registered under it, known from register(); decoding those needs no registry call */
  private readonly readers = new Map<number, avro.Type>();
  /** per schema id: the reader that skips the fields decodeSkipping was asked to skip (null: decode whole) */
  private readonly projections = new Map<number, { reader: avro.Type; resolver: AvroResolver } | null>();

  /** the Authorization header of the calls made here without the client (null: the registry needs none) */
  private readonly authHeader: Record<string, string>;

  /** `auth`: basic auth (a hosted registry's API key and secret); by default SCHEMA_REGISTRY_USERNAME / _PASSWORD */
  constructor(
    readonly registryUrl: string,
    auth: { username: string; password: string } | null = registryAuth(),
  ) {
    nameEndpoint(registryUrl, 'the schema registry');
    this.registry = new SchemaRegistry({ host: registryUrl, ...(auth ? { auth } : {}), retry: { retries: 5, initialRetryTimeInSecs: 0.2 } });
    this.authHeader = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  }

  /** Registers (or finds) the topic's value schema and remembers its id. Idempotent. */
  async register(topic: string, schema: AvroSchema): Promise<number> {
    const known = this.ids.get(topic);
    if (known !== undefined) return known;
    try {
      const subject = `${topic}-value`;
      const confluentSchema = { type: SchemaType.AVRO as const, schema: JSON.stringify(schema) };
      // A read first: most services find the schema already registered (by the CLI or another service), and a
      // lookup takes none of the locks concurrent registrations contend for.
      const known = await withTimeouts(
        () => this.registry.getRegistryIdBySchema(subject, confluentSchema).catch(() => null),
        `looking up the value schema of ${topic} at ${this.registryUrl}`,
      );
      const { id } = known !== null
        ? { id: known }
        : await withTimeouts(() => this.registerOnce(subject, confluentSchema), `registering the value schema of ${topic} at ${this.registryUrl}`);
      this.ids.set(topic, id);
      const header = Buffer.alloc(5);
      header.writeUInt8(0, 0);
      header.writeInt32BE(id, 1);
      const type = avro.Type.forSchema(schema as avro.Schema);
      this.writers.set(topic, { type, header });
      this.readers.set(id, type);
      return id;
    } catch (e) {
      throw registryError(this.registryUrl, e, `registering the value schema of ${topic}`);
    }
  }

  /**
   * A registration the registry took but whose answer never came (a timeout, then a retry) leaves the subject without
   * its BACKWARD setting, and the client then refuses it as "BACKWARD != NONE": the setting is put in place, and the
   * registration asked again.
   */
  private async registerOnce(subject: string, confluentSchema: { type: SchemaType.AVRO; schema: string }): Promise<{ id: number }> {
    try {
      return await this.registry.register(confluentSchema, { subject });
    } catch (e) {
      if (!/Compatibility does not match the configuration \(BACKWARD != NONE\)/.test((e as Error)?.message ?? '')) throw e;
      const res = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
        method: 'PUT', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...this.authHeader }, body: JSON.stringify({ compatibility: 'BACKWARD' }),
      });
      if (!res.ok) throw e;
      return await this.registry.register(confluentSchema, { subject });
    }
  }

  async registerAll(schemas: Map<string, AvroSchema>): Promise<void> {
    for (const [topic, schema] of schemas) await this.register(topic, schema);
  }

  schemaId(topic: string): number {
    const id = this.ids.get(topic);
    if (id === undefined) throw new FerryError('SCHEMA_NOT_REGISTERED', `no value schema registered for ${topic}`, 'fatal');
    return id;
  }

  /**
   * The topic's registered schema as an avsc type and its 5-byte wire header, for callers that encode a value in
   * parts (the extractor encodes the source record once, hashes those bytes, then frames them with the envelope).
   */
  writer(topic: string): { type: avro.Type; header: Buffer } {
    const w = this.writers.get(topic);
    if (!w) throw new FerryError('SCHEMA_NOT_REGISTERED', `no value schema registered for ${topic}`, 'fatal');
    return w;
  }

  async encode(topic: string, value: unknown): Promise<Buffer> {
    return this.encodeSync(topic, value);
  }

  /** Confluent wire format with the topic's registered schema; an invalid value names the offending field. */
  encodeSync(topic: string, value: unknown): Buffer {
    const w = this.writer(topic);
    const body = encodeAvro(w.type, value, `the schema of ${topic}`);
    return Buffer.concat([w.header, body], w.header.length + body.length);
  }

  /**
   * A value with the named fields left unread: each decodes as an empty object when the writer wrote one (null when
   * it wrote null), so a reader that only needs the envelope does not pay for parsing the record. The reader schema
   * is derived from the writer's, once per schema id; a value whose schema this codec did not register, or whose
   * shape does not allow the shortcut, is decoded whole.
   */
  async decodeSkipping<T>(buffer: Buffer, skip: readonly string[]): Promise<T> {
    if (buffer.length >= 5 && buffer[0] === 0) {
      const id = buffer.readInt32BE(1);
      let p = this.projections.get(id);
      if (p === undefined) {
        const writer = this.readers.get(id);
        p = writer ? skippingReader(writer, skip) : null;
        if (writer) this.projections.set(id, p);
      }
      if (p) return p.reader.fromBuffer(buffer.subarray(5), p.resolver) as T;
    }
    return this.decode<T>(buffer);
  }

  /**
   * A value in Confluent wire format. Schemas this codec registered decode without the registry; others are fetched
   * (once, then cached), and a registry that is away is waited for (FERRY_REGISTRY_OUTAGE_MS, default 10 minutes),
   * then REGISTRY_UNREACHABLE is thrown: the caller keeps the message, it is not undecodable.
   */
  async decode<T>(buffer: Buffer): Promise<T> {
    if (buffer.length >= 5 && buffer[0] === 0) {
      const known = this.readers.get(buffer.readInt32BE(1));
      if (known) return known.fromBuffer(buffer.subarray(5)) as T;
    }
    const limit = Number(process.env.FERRY_REGISTRY_OUTAGE_MS ?? 600_000);
    const started = Date.now();
    for (let delay = 250; ; delay = Math.min(10_000, delay * 2)) {
      try {
        return (await this.registry.decode(buffer)) as T;
      } catch (e) {
        if (!registryAway(e)) throw e;
        if (Date.now() - started > limit) throw registryError(this.registryUrl, e, 'fetching a schema to decode a value');
        await sleep(delay);
      }
    }
  }
}

/** Avro bytes of `value`; a value that does not fit throws AVRO_INVALID naming each offending field and its value. */
export function encodeAvro(type: avro.Type, value: unknown, what: string): Buffer {
  try {
    return type.toBuffer(value);
  } catch (e) {
    const bad: string[] = [];
    type.isValid(value, { errorHook: (path, v) => bad.push(`${path.join('.')}=${JSON.stringify(v)?.slice(0, 80)}`) });
    throw new FerryError('AVRO_INVALID', `value does not fit ${what}: ${bad.join(', ') || (e as Error).message}`, 'dead-letter');
  }
}

/** The registry did not answer, or answered that it cannot now (5xx): nothing is wrong with the value. */
function registryAway(e: unknown): boolean {
  const err = e as { status?: number; message?: string; code?: string };
  if (typeof err?.status === 'number' && err.status >= 500) return true;
  return !!outageOf(e) || /ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT|EAI_AGAIN|50[234]|Service Unavailable/i.test(String(err?.message ?? ''));
}

function registryError(url: string, e: unknown, doing: string): FerryError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|ETIMEDOUT|ECONNRESET/i.test(msg) || registryAway(e)) {
    return new FerryError('REGISTRY_UNREACHABLE', `schema registry at ${url} does not answer (${doing}); start it with npm run infra:up or set SCHEMA_REGISTRY_URL`, 'fatal');
  }
  const status = (e as { status?: number })?.status;
  if (status === 401 || status === 403) {
    return new FerryError('REGISTRY_AUTH_FAILED', `schema registry at ${url} refused Ferry's credentials (HTTP ${status}, ${doing}); check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD`, 'fatal');
  }
  return new FerryError('REGISTRY_ERROR', `schema registry refused ${doing}: ${msg}`, 'fatal');
}

/** One part of a framed value: bytes copied as they are, or a value written with its Avro type. */
export type FramePart = Buffer | { type: avro.Type; value: unknown; what: string };

/**
 * Writes Avro values back to back into large shared buffers and hands out views of them, so encoding a record
 * costs no allocation of its own. A view stays valid as long as it is referenced; a full chunk is simply left
 * to the views that point into it and a new one is started.
 */
export class AvroFrameWriter {
  private chunk: Buffer;
  private pos = 0;

  constructor(private readonly chunkSize = 256 * 1024) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  /** The parts written contiguously; a value that does not fit its schema throws AVRO_INVALID (see encodeAvro). */
  frame(parts: FramePart[]): Buffer {
    for (let attempt = 0; ; attempt++) {
      const start = this.pos;
      let at = start;
      let missing = 0;
      for (const p of parts) {
        if (Buffer.isBuffer(p)) {
          if (at + p.length > this.chunk.length) {
            missing = at + p.length - this.chunk.length;
            break;
          }
          p.copy(this.chunk, at);
          at += p.length;
          continue;
        }
        let next: number;
        try {
          next = p.type.encode(p.value, this.chunk, at);
        } catch {
          encodeAvro(p.type, p.value, p.what); // throws with the offending fields named
          throw new FerryError('AVRO_INVALID', `value does not fit ${p.what}`, 'dead-letter');
        }
        if (next < 0) {
          missing = -next;
          break;
        }
        at = next;
      }
      if (missing === 0) {
        this.pos = at;
        return this.chunk.subarray(start, at);
      }
      // does not fit in what is left of this chunk: start a new one big enough, and write the frame again there
      const needed = this.chunk.length - start + missing;
      this.chunk = Buffer.allocUnsafe(Math.max(this.chunkSize, needed * 2));
      this.pos = 0;
      if (attempt > 8) throw new FerryError('AVRO_INVALID', `value of ${parts.length} parts could not be framed`, 'fatal');
    }
  }
}

/**
 * A registry call that neither answers nor fails (seen once in a while with Apicurio when several services register
 * at once) is abandoned after `timeoutMs` and tried again, so a service's start-up does not hang on it.
 */
async function withTimeouts<T>(call: () => Promise<T>, what: string, timeoutMs = Number(process.env.FERRY_REGISTRY_TIMEOUT_MS ?? 15_000), attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FerryError('REGISTRY_TIMEOUT', `${what}: no answer within ${timeoutMs} ms`, 'retry')), timeoutMs);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (e) {
      if (!(e instanceof FerryError && e.code === 'REGISTRY_TIMEOUT') || attempt >= attempts) throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

type AvroResolver = ReturnType<avro.Type['createResolver']>;

/**
 * A reader of `writer`'s values in which each named field holding a record (or null or a record) becomes a record of
 * the same name with no fields: Avro schema resolution then skips the writer's bytes for it. Null when a named field
 * is of another shape, or the reader cannot be built.
 */
export function skippingReader(writer: avro.Type, skip: readonly string[]): { reader: avro.Type; resolver: AvroResolver } | null {
  if (!(writer instanceof avro.types.RecordType)) return null;
  const schema = writer.schema() as { fields: { name: string; type: unknown }[] };
  for (const name of skip) {
    const field = writer.field(name);
    const at = schema.fields.findIndex((f) => f.name === name);
    if (!field || at < 0) continue;
    const t = field.type;
    const empty = (r: avro.Type) => ({ type: 'record', name: r.name, fields: [] });
    if (t instanceof avro.types.RecordType) schema.fields[at].type = empty(t);
    else if ((t instanceof avro.types.UnwrappedUnionType || t instanceof avro.types.WrappedUnionType) && t.types.length === 2 && t.types[0].typeName === 'null' && t.types[1] instanceof avro.types.RecordType) {
      schema.fields[at].type = ['null', empty(t.types[1])];
    } else return null;
  }
  try {
    const reader = avro.Type.forSchema(schema as avro.Schema);
    return { reader, resolver: reader.createResolver(writer) };
  } catch {
    return null;
  }
}
