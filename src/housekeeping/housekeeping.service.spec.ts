import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { HousekeepingService } from './housekeeping.service.js';

/** A data source whose statements finish only once the gate is opened. */
function gatedDataSource() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const query = async () => {
    await gate;
    return [[], 0];
  };
  const dataSource = { query } as unknown as DataSource;
  return { dataSource, open };
}
const failingDataSource = { query: () => Promise.reject(new Error('connection refused')) } as unknown as DataSource;
const settings = (env: NodeJS.ProcessEnv = {}) => loadConfig(env, { forServer: false });

describe('HousekeepingService', () => {
  const errors: unknown[] = [];
  beforeAll(() => {
    const capture: LoggerService = { log() {}, warn() {}, error: (m: unknown) => void errors.push(m) };
    Logger.overrideLogger(capture);
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  it('schedules a pass on bootstrap and unschedules on shutdown', async () => {
    const service = new HousekeepingService(gatedDataSource().dataSource, settings());
    expect(service.scheduled).toBe(false);
    service.onApplicationBootstrap();
    expect(service.scheduled).toBe(true);
    await service.onModuleDestroy();
    expect(service.scheduled).toBe(false);
  });

  it('schedules nothing with HOUSEKEEPING_INTERVAL_SECONDS=0', () => {
    const service = new HousekeepingService(gatedDataSource().dataSource, settings({ HOUSEKEEPING_INTERVAL_SECONDS: '0' }));
    service.onApplicationBootstrap();
    expect(service.scheduled).toBe(false);
  });

  it('waits on shutdown for a pass in progress', async () => {
    const db = gatedDataSource();
    const service = new HousekeepingService(db.dataSource, settings());
    const pass = service.runOnce();
    expect(service.runOnce()).toBe(pass);
    let stopped = false;
    const stopping = service.onModuleDestroy().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    db.open();
    await stopping;
    expect(await pass).toEqual({ idempotencyKeys: 0, refreshTokens: 0 });
  });

  it('logs a failed pass instead of throwing', async () => {
    const service = new HousekeepingService(failingDataSource, settings());
    await expect(service.runOnce()).resolves.toBeNull();
    expect(errors).toEqual([expect.objectContaining({ msg: 'housekeeping pass failed', err: expect.objectContaining({ message: 'connection refused' }) })]);
  });
});

describe('housekeeping settings', () => {
  it('default to a week of idempotency keys and an hourly pass', () => {
    expect(settings().housekeeping).toEqual({ idempotencyKeyRetentionHours: 168, intervalSeconds: 3600 });
  });

  it('refuse a retention under an hour and a negative or non-numeric interval, naming each', () => {
    const bad = (env: NodeJS.ProcessEnv) => () => settings(env);
    expect(bad({ IDEMPOTENCY_KEY_RETENTION_HOURS: '0' })).toThrow(/IDEMPOTENCY_KEY_RETENTION_HOURS/);
    expect(bad({ HOUSEKEEPING_INTERVAL_SECONDS: '-5' })).toThrow(/HOUSEKEEPING_INTERVAL_SECONDS/);
    expect(bad({ IDEMPOTENCY_KEY_RETENTION_HOURS: 'a week', HOUSEKEEPING_INTERVAL_SECONDS: 'hourly' })).toThrow(
      /IDEMPOTENCY_KEY_RETENTION_HOURS[\s\S]*HOUSEKEEPING_INTERVAL_SECONDS/,
    );
  });
});
