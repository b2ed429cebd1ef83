import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

/** Reading the audit trail. Writing it is the mutation path's (src/mutation). */
@Module({ imports: [AccessModule], providers: [AuditService, AuditResolver] })
export class AuditModule {}
