import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { EnterpriseProjectsResolver, ProjectsResolver } from './projects.resolver.js';
import { ProjectsService } from './projects.service.js';

@Module({
  imports: [EnterprisesModule],
  providers: [ProjectsService, ProjectsResolver, EnterpriseProjectsResolver],
  exports: [ProjectsService],
})
export class ProjectsModule {}
