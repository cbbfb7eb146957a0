import { Weather } from './weather';

describe('Weather', () => {
  it('records a failed probe instead of throwing, says for how long, and clears when it answers again', async () => {
    let now = 1_000_000;
    const w = new Weather(() => now);
    expect(await w.probe('Kafka', async () => { throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092\n    at stack'); })).toBeUndefined();
    now += 40_000;
    await w.probe('Kafka', () => Promise.reject(new Error('still down')));
    expect(w.clear).toBe(false);
    expect(w.lines()).toEqual(['Kafka unreachable for 40 s, waiting (still down)']);
    expect(await w.probe('PostgreSQL', async () => 7)).toBe(7);
    expect(await w.probe('Kafka', async () => 'up')).toBe('up');
    expect(w.clear).toBe(true);
    expect(w.lines()).toEqual([]);
  });
});
