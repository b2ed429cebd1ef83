import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { EnterpriseLoansResolver, LoansResolver } from './loans.resolver.js';
import { LoansService } from './loans.service.js';

@Module({
  imports: [EnterprisesModule, ProjectsModule],
  providers: [LoansService, LoansResolver, EnterpriseLoansResolver],
  exports: [LoansService],
})
export class LoansModule {}
