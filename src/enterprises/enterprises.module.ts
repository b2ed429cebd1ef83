import { Module } from '@nestjs/common';
import { EnterprisesResolver } from './enterprises.resolver.js';
import { EnterprisesService } from './enterprises.service.js';
import { UsccAllowlistService } from './uscc-allowlist.service.js';

@Module({
  providers: [EnterprisesService, UsccAllowlistService, EnterprisesResolver],
  exports: [EnterprisesService],
})
export class EnterprisesModule {}
