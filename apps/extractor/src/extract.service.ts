import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { loadConfig, settings } from '../../../libs/config/src';
import { Runtime, RUNTIME } from '../../../libs/runtime/src';
import { SnapshotJob } from './snapshot.job';

/** Runs the snapshot of the configured export folder at start-up, then stays up (delta comes later). */
@Injectable()
export class ExtractService implements OnApplicationBootstrap {
  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}

  onApplicationBootstrap(): void {
    const { LEAF360_EXPORT_DIR } = loadConfig([settings.extractor]);
    const job = new SnapshotJob(this.rt, LEAF360_EXPORT_DIR);
    this.rt.startup?.done();
    // Not awaited: the application is up while the snapshot streams; failures are per object and logged.
    job.run().then(
      (outcomes) => this.rt.logger.info({ outcomes }, 'snapshot finished'),
      (e: Error) => this.rt.logger.error({ err: e }, 'snapshot failed'),
    );
  }
}
