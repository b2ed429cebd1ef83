import { v7 } from 'uuid';

/** Row ids are UUIDv7: unique without coordination and ordered by creation, which keyset pagination relies on. */
export function newId(): string {
  return v7();
}
