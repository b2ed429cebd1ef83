import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { InclusionModule } from '../inclusion/inclusion.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { ReferenceModule } from '../reference/reference.module.js';
import { EnterpriseProjectsResolver, ProjectsResolver } from './projects.resolver.js';
import { ProjectsService } from './projects.service.js';

@Module({
  imports: [AccessModule, MutationModule, InclusionModule, ReferenceModule, EnterprisesModule],
  providers: [ProjectsService, ProjectsResolver, EnterpriseProjectsResolver],
  exports: [ProjectsService],
})
export class ProjectsModule {}
