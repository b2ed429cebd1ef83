import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { InclusionModule } from '../inclusion/inclusion.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { ReferenceModule } from '../reference/reference.module.js';
import { UsccModule } from '../uscc/uscc.module.js';
import { EnterprisesResolver } from './enterprises.resolver.js';
import { EnterprisesService } from './enterprises.service.js';

@Module({
  imports: [AccessModule, MutationModule, InclusionModule, ReferenceModule, UsccModule],
  providers: [EnterprisesService, EnterprisesResolver],
  exports: [EnterprisesService],
})
export class EnterprisesModule {}
