import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { UsccAllowlistResolver } from './uscc-allowlist.resolver.js';
import { UsccAllowlistService } from './uscc-allowlist.service.js';

/** Unified social credit codes: the check, and the regulator's allowlist of codes issued with a failing check. */
@Module({ imports: [AccessModule, MutationModule], providers: [UsccAllowlistService, UsccAllowlistResolver], exports: [UsccAllowlistService] })
export class UsccModule {}
