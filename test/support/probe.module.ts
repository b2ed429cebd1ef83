import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Args, Field, ID, InputType, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../src/common/actor.js';
import { Ctx } from '../../src/common/context.decorators.js';
import { DecimalArg, DecimalScalar, IsDecimalString, MONEY, RATE } from '../../src/common/decimal.js';
import { DateTimeScalar } from '../../src/common/date.js';
import { AppError } from '../../src/common/errors.js';
import { MutationModule } from '../../src/mutation/mutation.module.js';
import { MutationRunner } from '../../src/mutation/mutation.js';
import { newId } from '../../src/common/ids.js';

/*
 * A test fixture mounted only by the test suite: a tiny ledger that exercises the shared pieces (Decimal input and
 * output, validation, audit in the same transaction, idempotency keys) through the real HTTP stack, before any
 * money feature exists. Its table is created in the test database only.
 */

@InputType()
class ProbeEntryInput {
  @Field(() => DecimalScalar) @IsDecimalString({ ...MONEY, min: '0', exclusiveMin: true }) amount: string;
  @Field(() => DecimalScalar, { nullable: true }) @IsOptional() @IsDecimalString(RATE) rate?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(50) memo?: string;
}

@ObjectType()
class ProbeEntry {
  @Field(() => ID) id: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => DecimalScalar, { nullable: true }) rate: string | null;
  @Field(() => String, { nullable: true }) memo: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@Injectable()
class ProbeService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mutations: MutationRunner,
  ) {}

  async onModuleInit() {
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS probe_entry (id uuid PRIMARY KEY, amount numeric(20,2) NOT NULL, rate numeric(9,6), memo text, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  record(ctx: RequestContext, input: ProbeEntryInput, key: string | undefined, failAfterWrite: boolean): Promise<ProbeEntry> {
    return this.mutations.run(ctx, {
      operation: 'probeRecord',
      idempotencyKey: key,
      input,
      work: async (m) => {
        const id = newId();
        const [row] = await m.query(`INSERT INTO probe_entry (id, amount, rate, memo) VALUES ($1, $2, $3, $4) RETURNING *`, [
          id,
          input.amount,
          input.rate ?? null,
          input.memo ?? null,
        ]);
        const entry: ProbeEntry = { id: row.id, amount: row.amount, rate: row.rate, memo: row.memo, createdAt: row.created_at };
        // Slow the work down so concurrent requests with one key really overlap.
        await m.query(`SELECT pg_sleep(0.05)`);
        if (failAfterWrite) throw AppError.conflict('probe failed after writing');
        return { result: entry, audit: { action: 'probe.record', entityType: 'ProbeEntry', entityId: id, after: entry } };
      },
    });
  }
}

@Resolver()
class ProbeResolver {
  constructor(private readonly probe: ProbeService) {}

  /** A plain Decimal argument, checked against its column by the DecimalArg pipe. */
  @Mutation(() => DecimalScalar)
  probeEcho(@Args('amount', { type: () => DecimalScalar }, new DecimalArg({ ...MONEY, min: '0', exclusiveMin: true })) amount: string) {
    return amount;
  }

  @Mutation(() => ProbeEntry)
  probeRecord(
    @Ctx() ctx: RequestContext,
    @Args('input') input: ProbeEntryInput,
    @Args('idempotencyKey', { nullable: true }) idempotencyKey?: string,
    @Args('failAfterWrite', { nullable: true, defaultValue: false }) failAfterWrite?: boolean,
  ) {
    return this.probe.record(ctx, input, idempotencyKey, failAfterWrite ?? false);
  }
}

@Module({ imports: [MutationModule], providers: [ProbeService, ProbeResolver] })
export class ProbeModule {}
