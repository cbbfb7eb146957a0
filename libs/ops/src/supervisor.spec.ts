import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pollUntil, sleep } from '@ferry/common';
import { readableLogLine, replicaSpecs, restartDelay, stopsInRow, Supervisor, SupervisorEvent } from './supervisor';
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
  const child = (script: string) => (name: ServiceName, env: Record<string, string>, dir: string, instance: string = name): RunningService => {
    const logFile = path.join(dir, `${instance}.log`);
    const fd = fs.openSync(logFile, 'a');
    const c = spawn(process.execPath, ['-e', script], { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
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

  it('runs replicas of one service side by side, each with its own settings, log and state', async () => {
    const replicaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-supervisor-replicas-'));
    const s = new Supervisor({ env: { SHARED: 'both' }, logDir: replicaDir, spawn: child(`console.log(process.env.SHARED + ' ' + (process.env.KAFKA_CLIENT_ID ?? 'default')); setInterval(() => undefined, 1000)`) });
    const one = s.start('loader');
    const two = s.start('loader', { replica: 2, env: { KAFKA_CLIENT_ID: 'ferry-r2' } });
    expect(() => s.start('loader', { replica: 2 })).toThrow('loader-2 is already supervised');
    const said = (c: RunningService) => fs.readFileSync(c.logFile, 'utf8').trim() || undefined;
    await pollUntil(() => (said(one) && said(two)) || undefined, { timeoutMs: 10_000, intervalMs: 20, what: 'both replicas to start' });
    expect([path.basename(one.logFile), said(one)]).toEqual(['loader.log', 'both default']);
    expect([path.basename(two.logFile), said(two)]).toEqual(['loader-2.log', 'both ferry-r2']);
    expect(s.states().map((x) => [x.service, x.instance, x.status])).toEqual([['loader', 'loader', 'running'], ['loader', 'loader-2', 'running']]);
    await s.stop(2000);
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

describe('replicaSpecs', () => {
  const plan = { sourceObjects: ['company', 'contact', 'deal'] };

  it('gives one process per phase by default, with the settings it always had', () => {
    expect(replicaSpecs('loader', 1, plan, undefined, {})).toEqual([{ replica: 1, env: {} }]);
    expect(replicaSpecs('extractor', 1, plan, undefined, {})).toEqual([{ replica: 1 }]);
  });

  it('gives later replicas a client id of their own and no dashboard or metrics port', () => {
    expect(replicaSpecs('transformer', 2, plan, undefined, {})).toEqual([
      { replica: 1, env: {} },
      { replica: 2, env: { KAFKA_CLIENT_ID: 'ferry-r2', FERRY_DASHBOARD_PORT: '0', FERRY_METRICS_PORT: '0' } },
    ]);
  });

  it('splits the source objects between extractor replicas, unless a sample or FERRY_STREAMS needs them together', () => {
    expect(replicaSpecs('extractor', 2, plan, undefined, {}).map((s) => s.env?.FERRY_STREAMS)).toEqual(['company,deal', 'contact']);
    expect(replicaSpecs('extractor', 5, plan, undefined, {})).toHaveLength(3);
    expect(replicaSpecs('extractor', 2, plan, 100, {})).toEqual([{ replica: 1 }]);
    expect(replicaSpecs('extractor', 2, plan, undefined, { FERRY_STREAMS: 'contact' })).toEqual([{ replica: 1 }]);
  });
});

describe('readableLogLine', () => {
  it('turns a pino JSON line into level and message', () => {
    expect(readableLogLine('{"level":50,"time":1,"pid":2,"name":"loader","err":{"message":"ECONNREFUSED"},"msg":"load failed"}')).toBe('error: load failed (ECONNREFUSED)');
    expect(readableLogLine('{"level":30,"msg":"started"}')).toBe('info: started');
    expect(readableLogLine('plain text')).toBe('plain text');
  });
});
