import { AppError } from '../common/errors.js';
import { InclusionAction, InclusionStatus, nextStatus } from './inclusion-status.js';

const STATES: (InclusionStatus | null)[] = [null, ...Object.values(InclusionStatus)];
const ALLOWED: Record<string, InclusionStatus> = {
  'null SUBMIT': InclusionStatus.SUBMITTED,
  'REJECTED RESUBMIT': InclusionStatus.SUBMITTED,
  'SUBMITTED ADMIT': InclusionStatus.ADMITTED,
  'SUBMITTED REJECT': InclusionStatus.REJECTED,
  'ADMITTED REMOVE': InclusionStatus.REMOVED,
};

describe('inclusion state machine', () => {
  for (const from of STATES) {
    for (const action of Object.values(InclusionAction)) {
      const key = `${from} ${action}`;
      if (ALLOWED[key]) {
        it(`allows ${action} from ${from} to ${ALLOWED[key]}`, () => {
          expect(nextStatus(from, action)).toBe(ALLOWED[key]);
        });
      } else {
        it(`refuses ${action} from ${from}`, () => {
          let thrown: unknown;
          try {
            nextStatus(from, action);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(AppError);
          expect((thrown as AppError).code).toBe('INVALID_STATE_TRANSITION');
        });
      }
    }
  }

  it('has exactly five edges', () => {
    let edges = 0;
    for (const from of STATES) for (const action of Object.values(InclusionAction)) {
      try {
        nextStatus(from, action);
        edges++;
      } catch {
        /* refused */
      }
    }
    expect(edges).toBe(5);
  });
});
