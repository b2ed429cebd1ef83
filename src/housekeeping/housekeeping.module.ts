import { Module } from '@nestjs/common';
import { HousekeepingService } from './housekeeping.service.js';

/** Removal of expiring rows (idempotency keys, refresh tokens) on a timer inside the API. */
@Module({
  providers: [HousekeepingService],
  exports: [HousekeepingService],
})
export class HousekeepingModule {}
