import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { BondAllocationsResolver, BondsResolver } from './bonds.resolver.js';
import { BondsService } from './bonds.service.js';

@Module({
  imports: [EnterprisesModule, ProjectsModule],
  providers: [BondsService, BondsResolver, BondAllocationsResolver],
  exports: [BondsService],
})
export class BondsModule {}
