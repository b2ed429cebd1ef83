import { Module } from '@nestjs/common';
import { EnterprisesResolver } from './enterprises.resolver.js';
import { EnterprisesService } from './enterprises.service.js';

@Module({
  providers: [EnterprisesService, EnterprisesResolver],
  exports: [EnterprisesService],
})
export class EnterprisesModule {}
