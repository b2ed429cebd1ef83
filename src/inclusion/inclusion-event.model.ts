import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../common/date.js';
import { InclusionAction, InclusionStatus } from './inclusion-status.js';

@ObjectType('ActorRef', { description: 'Who did something: a user, or an organisation through an API key.' })
export class ActorRefModel {
  @Field(() => ID, { nullable: true }) userId: string | null;
  @Field(() => String, { nullable: true }) displayName: string | null;
  @Field(() => ID) organizationId: string;
}

@ObjectType('InclusionReview', { description: "A regulator's decision on an application: admit, reject, or remove." })
export class InclusionReviewModel {
  @Field(() => InclusionAction) decision: InclusionAction;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field(() => ActorRefModel) reviewer: ActorRefModel;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => InclusionStatus, { nullable: true }) fromStatus: InclusionStatus | null;
  @Field(() => InclusionStatus) toStatus: InclusionStatus;
}

@ObjectType('InclusionEvent', { description: 'One step of the inclusion history: a submission or a decision.' })
export class InclusionEventModel {
  @Field(() => InclusionAction) action: InclusionAction;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field(() => ActorRefModel) actor: ActorRefModel;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => InclusionStatus, { nullable: true }) fromStatus: InclusionStatus | null;
  @Field(() => InclusionStatus) toStatus: InclusionStatus;
}
