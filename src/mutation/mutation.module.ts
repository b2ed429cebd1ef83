import { Module } from '@nestjs/common';
import { MutationRunner } from './mutation.js';

/** The one mutation path (transaction, idempotency key, audit rows), for every feature that writes. */
@Module({ providers: [MutationRunner], exports: [MutationRunner] })
export class MutationModule {}
