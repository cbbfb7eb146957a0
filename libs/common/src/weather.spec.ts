import { FerryError } from './errors';
import { nameEndpoint, outageOf, rideOut, Weather } from './weather';

const lines: string[] = [];
const logger = { warn: (_o: object, m?: string) => lines.push(`warn ${m}`), info: (_o: object, m?: string) => lines.push(`info ${m}`) };

describe('outageOf', () => {
  it('names the dependency an error says is away, and nothing for an error about the work', () => {
    expect(outageOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError', retriable: true }))).toBe('Kafka');
    expect(outageOf(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('PostgreSQL');
    expect(outageOf({ name: 'QueryFailedError', message: 'x', driverError: Object.assign(new Error('Connection terminated unexpectedly'), {}) })).toBe('PostgreSQL');
    expect(outageOf(new FerryError('REGISTRY_UNREACHABLE', 'registry away', 'fatal'))).toBe('the schema registry');
    expect(outageOf(Object.assign(new Error('throttled'), { name: 'DataverseError', retryable: true }))).toBe('the destination');
    expect(outageOf(Object.assign(new Error('bad column'), { name: 'DataverseError', retryable: false }))).toBeNull();
    expect(outageOf(new FerryError('AVRO_INVALID', 'bad value', 'dead-letter'))).toBeNull();
    expect(outageOf(new Error('duplicate key value violates unique constraint'))).toBeNull();
    nameEndpoint('postgres://postgres@127.0.0.1:18432/ferry', 'PostgreSQL');
    expect(outageOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18432'), { code: 'ECONNREFUSED', port: 18432 }))).toBe('PostgreSQL');
    expect(outageOf(new Error('request to http://127.0.0.1:18499/x failed, reason: connect ECONNREFUSED 127.0.0.1:18499'))).toBe('the service on port 18499');
  });
});

describe('rideOut', () => {
  it('waits out an outage with one line when it starts and one when it ends, and throws other errors at once', async () => {
    lines.length = 0;
    const weather = new Weather(logger);
    let calls = 0;
    const out = await rideOut(
      async () => {
        if (++calls < 4) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
        return 'done';
      },
      { weather, firstDelayMs: 1 },
    );
    expect([out, calls]).toEqual(['done', 4]);
    expect(lines).toEqual([expect.stringMatching(/^warn waiting for Kafka/), expect.stringMatching(/^info Kafka is back after/)]);
    await expect(rideOut(async () => { throw new Error('not an outage'); }, { weather, firstDelayMs: 1 })).rejects.toThrow('not an outage');
    let abandoned = 0;
    await expect(
      rideOut(async () => { abandoned++; throw Object.assign(new Error('x'), { code: '57P01' }); }, { weather, firstDelayMs: 1, abandon: () => abandoned >= 2 }),
    ).rejects.toThrow('x');
    expect(abandoned).toBe(2);
  });
});
