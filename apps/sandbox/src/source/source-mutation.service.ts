import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { StreamDefinition } from '@ferry/connectors/core';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceConnectors } from './source-connectors';
import { SourceErrors, SourceHttpError } from './source-http.error';
import { SourceLoaderService } from './source-loader.service';
import { ChangeOp, LoggedChange, SourceRecordStore } from './source-record.store';
import { changeFields, MutationRandom, newKeyLike } from './source-mutation.values';

export interface BurstRequest {
  creates: number;
  updates: number;
  deletes: number;
  /** stamp every change of the burst with one millisecond */
  sameMillisecond?: boolean;
}

export interface AppliedChange extends LoggedChange {
  system: string;
}

interface Target {
  system: string;
  def: StreamDefinition;
}

const MAX_BURST = 10_000;
/** In random mode, how often a change reuses the previous change's millisecond. */
const SHARE_MILLISECOND = 0.3;
const OP_WEIGHTS: Array<[ChangeOp, number]> = [
  ['create', 0.25],
  ['update', 0.6],
  ['delete', 0.15],
];

/**
 * Changes the loaded records the way live users would while a migration runs: creates (a random record cloned under
 * a new key, with a field or two changed), updates (a field or two changed, modified time now) and deletes
 * (tombstones), at a steady rate in the background or as a burst on demand. Every change is logged, so tests and
 * benchmarks know exactly what a poll must find. All choices come from one seeded generator, taken in order.
 */
@Injectable()
export class SourceMutationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly rng: MutationRandom;
  private rate = 0;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private done = 0;
  private ticking = false;
  private queue: Promise<unknown> = Promise.resolve();
  private targets?: Target[];
  private readonly keyNumbers = new Map<string, number>();
  private stopped = false;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly store: SourceRecordStore,
    private readonly connectors: SourceConnectors,
    private readonly loader: SourceLoaderService,
  ) {
    this.rng = new MutationRandom(options.source.mutationSeed);
    loader.onChange(() => {
      this.targets = undefined;
      this.keyNumbers.clear();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loader.ready;
    this.setRate(this.options.source.changesPerSecond);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.setRate(0);
    await this.queue.catch(() => undefined);
  }

  get changesPerSecond(): number {
    return this.rate;
  }

  /** Starts, changes or (0) stops the background changes; resolves once no change is still being written. */
  async changeRate(perSecond: number): Promise<void> {
    this.setRate(perSecond);
    await this.queue;
  }

  /** Starts, changes or (0) stops the background changes. */
  setRate(perSecond: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.rate = this.stopped ? 0 : perSecond;
    if (this.rate <= 0) return;
    this.startedAt = Date.now();
    this.done = 0;
    this.timer = setInterval(() => this.tick(), Math.max(20, Math.min(100, Math.floor(1000 / this.rate))));
    this.timer.unref();
    this.logger.info({ changesPerSecond: this.rate, seed: this.options.source.mutationSeed }, 'source sandbox: mutation mode on');
  }

  private tick(): void {
    if (this.ticking) return;
    const due = Math.floor(((Date.now() - this.startedAt) / 1000) * this.rate) - this.done;
    // After a stall, catch up by at most a second's worth rather than flooding.
    const n = Math.min(due, Math.max(1, Math.ceil(this.rate)));
    if (n <= 0) return;
    this.done += due > n ? due : n;
    this.ticking = true;
    this.enqueue(() => this.randomChanges(n))
      .catch((err: unknown) => this.logger.warn({ err }, 'source sandbox: background changes failed'))
      .finally(() => {
        this.ticking = false;
      });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadTargets(): Promise<Target[]> {
    if (!this.targets) {
      const targets: Target[] = [];
      for (const { system, stream } of await this.store.loadedStreams()) {
        let def: StreamDefinition | undefined;
        try {
          def = this.connectors.get(system).streams().find((s) => s.name === stream && s.api);
        } catch {
          def = undefined;
        }
        if (def) targets.push({ system, def });
      }
      this.targets = targets;
    }
    return this.targets;
  }

  private async randomChanges(n: number): Promise<void> {
    const targets = await this.loadTargets();
    if (targets.length === 0) return;
    await this.store.transaction(async (db) => {
      let previous: number | undefined;
      for (let i = 0; i < n; i++) {
        const op = this.pickOp();
        const target = this.rng.pick(targets);
        const at = previous !== undefined && this.rng.chance(SHARE_MILLISECOND) ? previous : Date.now();
        if (await this.apply(db, target, op, at)) previous = at;
      }
    });
  }

  private pickOp(): ChangeOp {
    let r = this.rng.next();
    for (const [op, w] of OP_WEIGHTS) {
      r -= w;
      if (r < 0) return op;
    }
    return 'update';
  }

  /** Makes the asked-for changes to one system in one transaction, interleaved, and returns them. */
  async burst(system: string, req: BurstRequest): Promise<AppliedChange[]> {
    this.connectors.get(system);
    const counts = [req.creates, req.updates, req.deletes];
    if (counts.some((c) => !Number.isInteger(c) || c < 0) || counts.reduce((a, b) => a + b, 0) > MAX_BURST) {
      throw SourceErrors.badRequest(`mutate ${system}: creates, updates and deletes must be whole numbers of at least 0, together at most ${MAX_BURST}`);
    }
    return this.enqueue(async () => {
      const targets = (await this.loadTargets()).filter((t) => t.system === system);
      if (targets.length === 0) throw SourceErrors.conflict(`mutate ${system}: nothing is loaded for ${system}; load an export first`);
      const ops = this.rng.shuffle([
        ...Array<ChangeOp>(req.creates).fill('create'),
        ...Array<ChangeOp>(req.updates).fill('update'),
        ...Array<ChangeOp>(req.deletes).fill('delete'),
      ]);
      const stamp = req.sameMillisecond ? Date.now() : undefined;
      return this.store.transaction(async (db) => {
        const out: AppliedChange[] = [];
        for (const op of ops) {
          const change = await this.apply(db, this.rng.pick(targets), op, stamp ?? Date.now());
          if (change) out.push(change);
        }
        return out;
      });
    });
  }

  /** One change; null when the stream has no live record left to change. */
  private async apply(db: PoolClient, { system, def }: Target, op: ChangeOp, at: number): Promise<AppliedChange | null> {
    const picked = await this.store.pickLive(db, system, def.name, this.rng.next());
    if (!picked) return null;
    const stamp = (data: Record<string, unknown>) => {
      if (def.cursor) data[def.cursor] = at;
      return data;
    };
    let key = picked.key;
    let fields: string[] = [];
    if (op === 'delete') {
      await this.store.replace(db, system, def.name, key, at, stamp({ ...picked.data }), true);
    } else {
      const donor = await this.store.pickLive(db, system, def.name, this.rng.next());
      const changed = changeFields(def, picked.data, donor?.data ?? null, this.rng, 1 + this.rng.int(2));
      fields = changed.fields;
      const data = stamp(changed.data);
      if (op === 'update') {
        await this.store.replace(db, system, def.name, key, at, data, false);
      } else {
        let inserted = false;
        for (let attempt = 0; attempt < 5 && !inserted; attempt++) {
          const newKey = newKeyLike(picked.data[def.key] ?? picked.key, await this.nextKeyNumber(db, system, def.name), this.rng);
          data[def.key] = newKey;
          key = String(newKey);
          inserted = await this.store.insertNew(db, system, def.name, key, at, data);
        }
        if (!inserted) throw new SourceHttpError(500, 'internal', `could not find a free key for a new ${system} ${def.name}`);
      }
    }
    const seq = await this.store.logChange(db, system, def.name, key, op, at, fields);
    return { seq, system, op, stream: def.name, key, modifiedAt: at, fields };
  }

  private async nextKeyNumber(db: PoolClient, system: string, stream: string): Promise<number> {
    const id = `${system}\u0000${stream}`;
    const next = (this.keyNumbers.get(id) ?? (await this.store.maxTrailingNumber(db, system, stream))) + 1;
    this.keyNumbers.set(id, next);
    return next;
  }
}
