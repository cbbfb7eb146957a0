import { Inject, Injectable } from '@nestjs/common';
import { SandboxOptions, ThrottleOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { DataverseHttpError } from '../web-api/dataverse-http.error';

/** Timestamps (and durations) inside a sliding window, oldest first. */
class Window {
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;
  total = 0;

  add(at: number, value = 1): void {
    this.times.push(at);
    this.values.push(value);
    this.total += value;
  }

  prune(before: number): void {
    while (this.head < this.times.length && this.times[this.head] <= before) {
      this.total -= this.values[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.times.length - this.head;
  }

  /** When the oldest entries will have left the window enough for the total to be at most `limit`. */
  freeAt(limit: number, windowMs: number): number {
    let total = this.total;
    for (let i = this.head; i < this.times.length; i++) {
      total -= this.values[i];
      if (total <= limit) return this.times[i] + windowMs;
    }
    return this.times[this.times.length - 1] + windowMs;
  }
}

interface UserState {
  requests: Window;
  execution: Window;
  inFlight: number;
  totals: UserTotals;
  /** when inFlight last changed, for the time-weighted concurrency */
  changedAt: number;
}

/** What one user has done since the last reset: what a benchmark reads to say which limit bound and how much of it was used. */
export interface UserTotals {
  admitted: number;
  /** refusals by the limit that refused: requests per window, execution time, concurrency */
  refused: { requests: number; executionTime: number; concurrency: number };
  executionMs: number;
  /** in-flight requests integrated over time (ms): divided by the elapsed time, the mean concurrency */
  inFlightMs: number;
  peakInFlight: number;
  firstAt: number;
  lastAt: number;
}

export interface Admission {
  /** Call when the response is done; records execution time and frees the concurrency slot. */
  release(): void;
}

/** A storm an operator or a test started: every Web API request is refused with this status until it ends. */
export interface Storm {
  status: 429 | 503;
  startedAt: number;
  endsAt: number;
  retryAfterSeconds: number;
  refused: number;
}

/** Service protection per user (the token's client): request count and execution time per window, concurrency. */
@Injectable()
export class ThrottleService {
  private readonly users = new Map<string, UserState>();
  readonly limits: ThrottleOptions;
  private storm: Storm | null = null;

  constructor(@Inject(SANDBOX_OPTIONS) options: SandboxOptions) {
    this.limits = options.throttle;
  }

  /** Admits a request or throws 429 with Retry-After, the platform's code and message. */
  admit(user: string, now = Date.now()): Admission {
    if (this.storm && now < this.storm.endsAt) {
      this.storm.refused++;
      const retryAfter = { 'Retry-After': String(this.storm.retryAfterSeconds) };
      throw this.storm.status === 429
        ? new DataverseHttpError(429, '0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.', retryAfter)
        : new DataverseHttpError(503, '0x80040216', 'The service is temporarily unavailable. Please try again later.', retryAfter);
    }
    const windowMs = this.limits.windowSeconds * 1000;
    let state = this.users.get(user);
    if (!state) {
      const totals: UserTotals = { admitted: 0, refused: { requests: 0, executionTime: 0, concurrency: 0 }, executionMs: 0, inFlightMs: 0, peakInFlight: 0, firstAt: now, lastAt: now };
      this.users.set(user, (state = { requests: new Window(), execution: new Window(), inFlight: 0, totals, changedAt: now }));
    }
    state.requests.prune(now - windowMs);
    state.execution.prune(now - windowMs);
    const { requestLimit, executionTimeLimitMs, concurrencyLimit, windowSeconds } = this.limits;

    const totals = state.totals;
    if (state.inFlight >= concurrencyLimit) {
      totals.refused.concurrency++;
      throw this.tooMany('0x80072326', `Number of concurrent requests exceeded the limit of ${concurrencyLimit}.`, 1);
    }
    if (state.requests.size >= requestLimit) {
      const wait = state.requests.freeAt(requestLimit - 1, windowMs) - now;
      totals.refused.requests++;
      throw this.tooMany('0x80072322', `Number of requests exceeded the limit of ${requestLimit} over time window of ${windowSeconds} seconds.`, wait / 1000);
    }
    if (state.execution.total > executionTimeLimitMs) {
      const wait = state.execution.freeAt(executionTimeLimitMs, windowMs) - now;
      totals.refused.executionTime++;
      throw this.tooMany(
        '0x80072321',
        `Combined execution time of incoming requests exceeded limit of ${executionTimeLimitMs.toLocaleString('en-US')} milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        wait / 1000,
      );
    }
    state.requests.add(now);
    this.track(state, now, 1);
    totals.admitted++;
    const started = Date.now();
    const s = state;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const end = Date.now();
        this.track(s, end, -1);
        s.execution.add(end, end - started);
        s.totals.executionMs += end - started;
        s.totals.lastAt = end;
      },
    };
  }

  private track(state: UserState, now: number, change: 1 | -1): void {
    state.totals.inFlightMs += state.inFlight * Math.max(0, now - state.changedAt);
    state.changedAt = now;
    state.inFlight += change;
    state.totals.peakInFlight = Math.max(state.totals.peakInFlight, state.inFlight);
  }

  /** Per user since the last reset: totals, and what the current window holds. */
  usage(now = Date.now()): Record<string, UserTotals & { inFlight: number; window: { requests: number; executionMs: number } }> {
    const windowMs = this.limits.windowSeconds * 1000;
    const out: Record<string, UserTotals & { inFlight: number; window: { requests: number; executionMs: number } }> = {};
    for (const [user, state] of this.users) {
      state.requests.prune(now - windowMs);
      state.execution.prune(now - windowMs);
      const inFlightMs = state.totals.inFlightMs + state.inFlight * Math.max(0, now - state.changedAt);
      out[user] = { ...state.totals, refused: { ...state.totals.refused }, inFlightMs, inFlight: state.inFlight, window: { requests: state.requests.size, executionMs: state.execution.total } };
    }
    return out;
  }

  reset(): void {
    this.users.clear();
    this.storm = null;
  }

  /** Refuses every Web API request with `status` for `seconds` (0 ends a storm at once). */
  startStorm(status: 429 | 503, seconds: number, retryAfterSeconds = this.limits.stormRetryAfterSeconds, now = Date.now()): Storm | null {
    this.storm = seconds > 0 ? { status, startedAt: now, endsAt: now + seconds * 1000, retryAfterSeconds, refused: 0 } : null;
    return this.storm;
  }

  /** The storm going on (or the last one, with `active` false), and how many requests it refused. */
  stormState(now = Date.now()): (Storm & { active: boolean }) | null {
    return this.storm ? { ...this.storm, active: now < this.storm.endsAt } : null;
  }

  private tooMany(code: string, message: string, waitSeconds: number): DataverseHttpError {
    const retryAfter = Math.max(1, Math.ceil(waitSeconds));
    return new DataverseHttpError(429, code, message, { 'Retry-After': String(retryAfter) });
  }
}
