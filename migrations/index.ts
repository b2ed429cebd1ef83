import { Foundation1764500000000 } from './1764500000000-foundation.js';
import { ReferenceData1764500000001 } from './1764500000001-reference-data.js';
import { Libraries1764600000000 } from './1764600000000-libraries.js';
import { LoansBonds1764700000000 } from './1764700000000-loans-bonds.js';

/** Every migration, in order. Listed explicitly so the same list serves the app, the CLI and the tests. */
export const MIGRATIONS = [Foundation1764500000000, ReferenceData1764500000001, Libraries1764600000000, LoansBonds1764700000000];
