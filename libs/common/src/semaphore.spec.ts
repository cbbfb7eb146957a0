import { Semaphore } from './semaphore';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, starts waiters first come first served, and finishes every pass', async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const release: Array<() => void> = [];
    const all = Array.from({ length: 6 }, (_, i) =>
      slots.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return i * 10;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    while (release.length) {
      release.shift()!();
      await tick();
      await tick();
    }
    expect(await Promise.all(all)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('a failing task gives its slot back', async () => {
    const slots = new Semaphore(1);
    await expect(slots.run(async () => Promise.reject(new Error('file gone')))).rejects.toThrow('file gone');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
    // and with a waiter queued behind the failure
    const first = slots.run(async () => {
      await tick();
      throw new Error('boom');
    });
    const second = slots.run(async () => 'after');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('after');
  });

  it('lets waiters in when the cap is raised, and runs fewer once it is lowered', async () => {
    const slots = new Semaphore(1);
    let running = 0;
    const seen: number[] = [];
    const release: Array<() => void> = [];
    const task = () =>
      slots.run(async () => {
        running++;
        seen.push(running);
        await new Promise<void>((r) => release.push(r));
        running--;
      });
    const all = Array.from({ length: 6 }, task);
    await tick();
    expect(running).toBe(1);
    slots.resize(3);
    await tick();
    expect(running).toBe(3);
    slots.resize(1);
    // the three running finish; only one of the waiting starts in their place
    for (let i = 0; i < 3; i++) release.shift()!();
    await tick();
    await tick();
    expect(running).toBe(1);
    while (release.length) {
      release.shift()!();
      await tick();
      await tick();
    }
    await Promise.all(all);
    expect(Math.max(...seen)).toBe(3);
    expect(slots.capacity).toBe(1);
  });
});
