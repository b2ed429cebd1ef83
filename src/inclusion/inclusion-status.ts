import { registerEnumType } from '@nestjs/graphql';
import { AppError, ErrorCode } from '../common/errors.js';

/** Where an enterprise or project stands in its library (入库). */
export enum InclusionStatus {
  SUBMITTED = 'SUBMITTED',
  ADMITTED = 'ADMITTED',
  REJECTED = 'REJECTED',
  /** Taken out of the library (退库) after having been admitted. */
  REMOVED = 'REMOVED',
}
registerEnumType(InclusionStatus, { name: 'InclusionStatus' });

export enum InclusionAction {
  SUBMIT = 'SUBMIT',
  RESUBMIT = 'RESUBMIT',
  ADMIT = 'ADMIT',
  REJECT = 'REJECT',
  REMOVE = 'REMOVE',
}
registerEnumType(InclusionAction, { name: 'InclusionAction' });

/** The regulator's answer to an application. */
export enum ReviewDecision {
  ADMIT = 'ADMIT',
  REJECT = 'REJECT',
}
registerEnumType(ReviewDecision, { name: 'ReviewDecision' });

/** The whole state machine: from-state (null: nothing yet) and action to the next state. */
const TRANSITIONS: Record<InclusionAction, { from: InclusionStatus | null; to: InclusionStatus }> = {
  [InclusionAction.SUBMIT]: { from: null, to: InclusionStatus.SUBMITTED },
  [InclusionAction.RESUBMIT]: { from: InclusionStatus.REJECTED, to: InclusionStatus.SUBMITTED },
  [InclusionAction.ADMIT]: { from: InclusionStatus.SUBMITTED, to: InclusionStatus.ADMITTED },
  [InclusionAction.REJECT]: { from: InclusionStatus.SUBMITTED, to: InclusionStatus.REJECTED },
  [InclusionAction.REMOVE]: { from: InclusionStatus.ADMITTED, to: InclusionStatus.REMOVED },
};

/** The state `action` leads to from `from`; INVALID_STATE_TRANSITION when the machine has no such edge. */
export function nextStatus(from: InclusionStatus | null, action: InclusionAction): InclusionStatus {
  const edge = TRANSITIONS[action];
  if (edge.from !== from) {
    throw new AppError(
      ErrorCode.INVALID_STATE_TRANSITION,
      from === null
        ? `Cannot ${action.toLowerCase()} something that was never submitted`
        : `Cannot ${action.toLowerCase()} when the status is ${from}${edge.from ? ` (only from ${edge.from})` : ''}`,
    );
  }
  return edge.to;
}

export function decisionAction(decision: ReviewDecision): InclusionAction {
  return decision === ReviewDecision.ADMIT ? InclusionAction.ADMIT : InclusionAction.REJECT;
}
