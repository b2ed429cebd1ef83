import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { housekeepingSettings, runHousekeeping, type HousekeepingResult } from './housekeeping.js';

/** Runs a housekeeping pass every HOUSEKEEPING_INTERVAL_SECONDS inside the API process (0: never). */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Housekeeping');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<HousekeepingResult | null> | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops the timer and waits for a pass in progress, so the pool is not closed under it. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Whether a next pass is scheduled. */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** One pass now (joining one in progress). Never throws: a failure is logged and the next pass tries again. */
  runOnce(): Promise<HousekeepingResult | null> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<HousekeepingResult | null> {
    try {
      const removed = await runHousekeeping(this.dataSource, housekeepingSettings(this.config));
      if (removed.idempotencyKeys + removed.refreshTokens > 0) this.logger.log({ msg: 'housekeeping pass', removed });
      return removed;
    } catch (err) {
      this.logger.error({ msg: 'housekeeping pass failed', err });
      return null;
    }
  }

  private schedule(): void {
    const seconds = this.config.housekeeping.intervalSeconds;
    if (seconds === 0 || this.stopped) return;
    // A chain of timeouts rather than an interval: a slow pass is never overlapped by the next one.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().then(() => this.schedule());
    }, seconds * 1000);
    // The job never keeps the process alive by itself.
    this.timer.unref();
  }
}
