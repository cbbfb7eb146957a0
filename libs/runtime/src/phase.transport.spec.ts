import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import type { ConsumedRecord } from '@ferry/kafka';
import { ServiceMetrics } from '@ferry/metrics';
import { PhaseExtras, PhaseTransport, RethrowFilter } from './phase.transport';
import type { Runtime } from './runtime';

const done: string[] = [];

@Controller()
class SlowHandler {
  @EventPattern('slow', { subscribe: (rt, get) => ({ groupId: `${rt.migration}.slow`, topics: ['a', 'b'], maxChunk: get<number>('CHUNK') }) } satisfies PhaseExtras)
  handle(batch: ConsumedRecord<string>[]): Observable<void> {
    return new Observable((s) => {
      setTimeout(() => {
        done.push(...batch.map((r) => r.value));
        s.next();
        s.complete();
      }, 20);
    });
  }

  @EventPattern('broken', { subscribe: () => ({ groupId: 'g', topics: ['t'] }) } satisfies PhaseExtras)
  async broken(): Promise<void> {
    throw new Error('destination down');
  }
}

@Module({ controllers: [SlowHandler] })
class TestModule {}

/** dispatch() and subscription() are what BatchConsumer calls per chunk and at start-up. */
type Internals = {
  dispatch(phase: string, records: ConsumedRecord<unknown>[]): Promise<void>;
  subscription(phase: string, handler: unknown): unknown;
};

describe('PhaseTransport', () => {
  const rt = { migration: 'm1', metrics: new ServiceMetrics('test', 'm1') } as unknown as Runtime;
  const transport = new PhaseTransport(rt, <T>(token: unknown) => (token === 'CHUNK' ? 7 : undefined) as T);
  const internals = transport as unknown as Internals;
  let app: INestMicroservice;

  beforeAll(async () => {
    app = await NestFactory.createMicroservice(TestModule, { strategy: transport, logger: false });
    app.useGlobalFilters(new RethrowFilter());
    await app.init();
  });
  afterAll(() => app.close());

  const record = (value: string): ConsumedRecord<string> => ({ topic: 'a', partition: 0, offset: '0', key: value, value, timestamp: 0 });

  it('finds the handler by its phase and computes its subscription from the extras', () => {
    expect(internals.subscription('slow', transport.getHandlerByPattern('slow'))).toEqual({ groupId: 'm1.slow', topics: ['a', 'b'], maxChunk: 7 });
  });

  it('counts a chunk done only when the handler has completed', async () => {
    await internals.dispatch('slow', [record('x'), record('y')]);
    expect(done).toEqual(['x', 'y']);
  });

  it('hands the error the handler threw to the consumer, so the chunk is not committed', async () => {
    await expect(internals.dispatch('broken', [record('z')])).rejects.toThrow('destination down');
  });
});
