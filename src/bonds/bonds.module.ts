import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { BondAllocationsResolver, BondsResolver } from './bonds.resolver.js';
import { BondsService } from './bonds.service.js';

@Module({
  imports: [AccessModule, MutationModule, AuthModule, EnterprisesModule, ProjectsModule],
  providers: [BondsService, BondsResolver, BondAllocationsResolver],
  exports: [BondsService],
})
export class BondsModule {}
