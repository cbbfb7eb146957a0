import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroSchema } from '../../contracts/src';
import { FerryError } from '../../common/src';

/**
 * Avro values through the schema registry in Confluent wire format (magic byte, 4-byte schema id, Avro body).
 * Subjects follow the topic-name strategy, `<topic>-value`, with BACKWARD compatibility.
 */
export class AvroCodec {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, number>();

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
    return this.registry.encode(this.schemaId(topic), value);
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
