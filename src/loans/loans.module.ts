import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { ReferenceModule } from '../reference/reference.module.js';
import { EnterpriseLoansResolver, LoansResolver } from './loans.resolver.js';
import { LoansService } from './loans.service.js';

@Module({
  imports: [AccessModule, MutationModule, AuthModule, ReferenceModule, EnterprisesModule, ProjectsModule],
  providers: [LoansService, LoansResolver, EnterpriseLoansResolver],
  exports: [LoansService],
})
export class LoansModule {}
