import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pollUntil, sleep } from '@ferry/common';
import { readableLogLine, restartDelay, stopsInRow, Supervisor, SupervisorEvent } from './supervisor';
import type { RunningService, ServiceName } from './stack';

describe('restart backoff', () => {
  const p = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

  it('doubles from 1 s and stops growing at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(n, p))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over after a service stayed up for a while', () => {
    expect(stopsInRow(0, 500, p)).toBe(1);
    expect(stopsInRow(4, 59_999, p)).toBe(5);
    expect(stopsInRow(4, 60_000, p)).toBe(1);
  });
});

describe('Supervisor with tiny real children', () => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-supervisor-'));
  /** A child that writes a line and then runs for `ms` (or forever) before exiting with `code`. */
  const child = (script: string) => (name: ServiceName, _env: Record<string, string>, dir: string): RunningService => {
    const logFile = path.join(dir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const c = spawn(process.execPath, ['-e', script], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const svc: RunningService = { name, child: c, logFile, exited: null };
    c.on('exit', (code, signal) => (svc.exited = { code, signal }));
    return svc;
  };

  it('restarts a child that exits, with growing delays, and counts each restart', async () => {
    const events: SupervisorEvent[] = [];
    const s = new Supervisor({
      env: {}, logDir, policy: { initialMs: 50, maxMs: 200, resetAfterMs: 10_000 }, onEvent: (e) => events.push(e),
      spawn: child(`console.log('boom at start'); process.exit(3)`),
    });
    const first = s.start('loader');
    await pollUntil(() => s.states()[0].restarts >= 3 || undefined, { timeoutMs: 20_000, intervalMs: 20, what: 'three restarts' });
    await s.stop(2000);
    const exits = events.filter((e): e is Extract<SupervisorEvent, { kind: 'exited' }> => e.kind === 'exited');
    expect(exits.slice(0, 3).map((e) => e.restartInMs)).toEqual([50, 100, 200]);
    expect(exits[0]).toMatchObject({ service: 'loader', code: 3, signal: null, line: 'boom at start', restarts: 1 });
    // The live list holds the current child, not the first one.
    expect(s.running).toHaveLength(1);
    expect(s.running[0]).not.toBe(first);
    expect(s.states()[0]).toMatchObject({ service: 'loader', status: 'stopped', lastExitCode: 3 });
    const log = fs.readFileSync(path.join(logDir, 'supervisor.log'), 'utf8');
    expect(log).toMatch(/loader exited with code 3 after [\d.]+ s; restarting in 0\.1 s \(restart 2\); last log line: boom at start/);
  });

  it('does not restart a child whose settings cannot work (exit 78), and says so once', async () => {
    const events: SupervisorEvent[] = [];
    const s = new Supervisor({
      env: {}, logDir, policy: { initialMs: 20, maxMs: 50, resetAfterMs: 10_000 }, onEvent: (e) => events.push(e),
      spawn: child(`console.log('resolver: the fallback owner a@b.example is not a user in the destination'); process.exit(78)`),
    });
    s.start('resolver');
    await pollUntil(() => events.find((e) => e.kind === 'misconfigured'), { timeoutMs: 10_000, intervalMs: 20, what: 'the misconfigured event' });
    // Long enough for a restart at the policy's delays to have happened, had there been one.
    await sleep(300);
    await s.stop(2000);
    expect(events.filter((e) => e.kind === 'misconfigured')).toEqual([
      { kind: 'misconfigured', service: 'resolver', line: 'resolver: the fallback owner a@b.example is not a user in the destination' },
    ]);
    expect(events.filter((e) => e.kind === 'exited')).toEqual([]);
    expect(s.states()[0]).toMatchObject({ service: 'resolver', restarts: 0, lastExitCode: 78 });
  });

  it('restarts a child killed with SIGKILL, and does not restart anything once stopping', async () => {
    const events: SupervisorEvent[] = [];
    const s = new Supervisor({
      env: {}, logDir, policy: { initialMs: 50, maxMs: 50, resetAfterMs: 10_000 }, onEvent: (e) => events.push(e),
      spawn: child(`console.log('up'); setInterval(() => undefined, 1000)`),
    });
    const first = s.start('resolver');
    await pollUntil(() => fs.readFileSync(first.logFile, 'utf8').includes('up') || undefined, { timeoutMs: 10_000, intervalMs: 20, what: 'the child to start' });
    first.child.kill('SIGKILL');
    await pollUntil(() => (s.states()[0].restarts === 1 && s.states()[0].status === 'running') || undefined, { timeoutMs: 10_000, intervalMs: 20, what: 'the restart' });
    expect(events.find((e) => e.kind === 'exited')).toMatchObject({ signal: 'SIGKILL', code: null });
    const second = s.running[0];
    expect(second.child.pid).not.toBe(first.child.pid);
    await s.stop(2000);
    expect(second.exited).toMatchObject({ signal: 'SIGTERM' });
    expect(s.states()[0]).toMatchObject({ status: 'stopped', restarts: 1, pid: null });
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(2);
  });

  it('SIGKILLs a child that ignores SIGTERM after the grace period', async () => {
    const s = new Supervisor({ env: {}, logDir, spawn: child(`process.on('SIGTERM', () => undefined); console.log('stubborn'); setInterval(() => undefined, 1000)`) });
    const c = s.start('extractor');
    await pollUntil(() => fs.readFileSync(c.logFile, 'utf8').includes('stubborn') || undefined, { timeoutMs: 10_000, intervalMs: 20, what: 'the child to start' });
    await s.stop(300);
    expect(c.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(fs.readFileSync(path.join(logDir, 'supervisor.log'), 'utf8')).toMatch(/extractor did not stop within 0 s of SIGTERM: SIGKILL/);
  });
});

describe('readableLogLine', () => {
  it('turns a pino JSON line into level and message', () => {
    expect(readableLogLine('{"level":50,"time":1,"pid":2,"name":"loader","err":{"message":"ECONNREFUSED"},"msg":"load failed"}')).toBe('error: load failed (ECONNREFUSED)');
    expect(readableLogLine('{"level":30,"msg":"started"}')).toBe('info: started');
    expect(readableLogLine('plain text')).toBe('plain text');
  });
});
