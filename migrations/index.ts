import { Foundation1764500000000 } from './1764500000000-foundation.js';
import { ReferenceData1764500000001 } from './1764500000001-reference-data.js';
import { Libraries1764600000000 } from './1764600000000-libraries.js';
import { LoansBonds1764700000000 } from './1764700000000-loans-bonds.js';
import { FilterIndexesHousekeeping1764800000000 } from './1764800000000-filter-indexes-housekeeping.js';
import { UsccHeldByLiveRecords1764800000001 } from './1764800000001-uscc-held-by-live-records.js';

/** Every migration, in order. Listed explicitly so the same list serves the app, the CLI and the tests. */
export const MIGRATIONS = [Foundation1764500000000, ReferenceData1764500000001, Libraries1764600000000, LoansBonds1764700000000, FilterIndexesHousekeeping1764800000000, UsccHeldByLiveRecords1764800000001];
