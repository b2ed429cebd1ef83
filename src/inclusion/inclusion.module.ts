import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { MutationModule } from '../mutation/mutation.module.js';
import { InclusionService } from './inclusion.service.js';

/**
 * The inclusion workflow shared by the enterprise and project libraries (steps, history, the regulator's decisions).
 * "Lock these records and check they are admitted" is `admission.ts` here, a plain function the importer uses too.
 */
@Module({ imports: [AccessModule, MutationModule], providers: [InclusionService], exports: [InclusionService] })
export class InclusionModule {}
