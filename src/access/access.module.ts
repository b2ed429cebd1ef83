import { Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy.js';

/** Who may do and see what: the access policy and the record scopes it hands out. */
@Module({ providers: [AccessPolicy], exports: [AccessPolicy] })
export class AccessModule {}
