import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import type { AvroSchema } from '../../contracts/src';
import { FerryError } from '../../common/src';

/**
 * Avro values through the schema registry in Confluent wire format (magic byte, 4-byte schema id, Avro body).
 * Subjects follow the topic-name strategy, `<topic>-value`, with BACKWARD compatibility.
 */
export class AvroCodec {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, number>();
  /** per topic: the registered schema as an avsc type and the 5-byte wire header, so encoding needs no await */
  private readonly writers = new Map<string, { type: avro.Type; header: Buffer }>();

  constructor(readonly registryUrl: string) {
    this.registry = new SchemaRegistry({ host: registryUrl, retry: { retries: 5, initialRetryTimeInSecs: 0.2 } });
  }

  /** Registers (or finds) the topic's value schema and remembers its id. Idempotent. */
  async register(topic: string, schema: AvroSchema): Promise<number> {
    const known = this.ids.get(topic);
    if (known !== undefined) return known;
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject: `${topic}-value` },
      );
      this.ids.set(topic, id);
      const header = Buffer.alloc(5);
      header.writeUInt8(0, 0);
      header.writeInt32BE(id, 1);
      this.writers.set(topic, { type: avro.Type.forSchema(schema as avro.Schema), header });
      return id;
    } catch (e) {
      throw registryError(this.registryUrl, e, `registering the value schema of ${topic}`);
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

  async encode(topic: string, value: unknown): Promise<Buffer> {
    return this.encodeSync(topic, value);
  }

  /** Confluent wire format with the topic's registered schema; an invalid value names the offending field. */
  encodeSync(topic: string, value: unknown): Buffer {
    const w = this.writers.get(topic);
    if (!w) throw new FerryError('SCHEMA_NOT_REGISTERED', `no value schema registered for ${topic}`, 'fatal');
    try {
      const body = w.type.toBuffer(value);
      return Buffer.concat([w.header, body], w.header.length + body.length);
    } catch (e) {
      const bad: string[] = [];
      w.type.isValid(value, { errorHook: (path, v) => bad.push(`${path.join('.')}=${JSON.stringify(v)?.slice(0, 80)}`) });
      throw new FerryError('AVRO_INVALID', `value does not fit the schema of ${topic}: ${bad.join(', ') || (e as Error).message}`, 'dead-letter');
    }
  }

  async decode<T>(buffer: Buffer): Promise<T> {
    return (await this.registry.decode(buffer)) as T;
  }
}

function registryError(url: string, e: unknown, doing: string): FerryError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|ETIMEDOUT/i.test(msg)) {
    return new FerryError('REGISTRY_UNREACHABLE', `schema registry at ${url} does not answer (${doing}); start it with npm run infra:up or set SCHEMA_REGISTRY_URL`, 'fatal');
  }
  return new FerryError('REGISTRY_ERROR', `schema registry refused ${doing}: ${msg}`, 'fatal');
}
