import { Module } from '@nestjs/common';
import { ReferenceResolver } from './reference.resolver.js';
import { ReferenceService } from './reference.service.js';

/** Administrative divisions and the green taxonomy catalogues with their crosswalk. */
@Module({ providers: [ReferenceService, ReferenceResolver], exports: [ReferenceService] })
export class ReferenceModule {}
