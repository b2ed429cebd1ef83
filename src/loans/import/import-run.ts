import { resolve } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { runMutation, type MutationContext } from '../../mutation/mutation.js';
import type { BatchOutcome } from './csv-import.js';
import type { ImportProgress } from './progress.js';

/** The import could not run at all (unknown bank, unreadable file, wrong columns): nothing more was loaded. */
export class LoanImportError extends Error {}

export interface ImportCounts {
  loaded: number;
  /** Already present, unchanged: a loan with the contract number, an event with the reference. */
  skipped: number;
  rejected: number;
}

/** What every phase of one import run shares. */
export interface ImportRun {
  dataSource: DataSource;
  bankId: string;
  /** The run's id: the audit rows' entity id, and the mutation context's request id. */
  importId: string;
  /** Batches are written through the one mutation path, as the registry's own job (no actor). */
  mutation: MutationContext;
  batchSize: number;
  progress: ImportProgress;
}

/** Columns of a CSV kind, checked against the header before anything is loaded. */
export interface CsvColumns {
  required: readonly string[];
  optional: readonly string[];
}

/** `a`, `a and b`, `a, b and c`: for reasons that name several columns. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Writes one batch of a file on the mutation path: `apply` does the writing, and the batch leaves one audit row
 * (naming the file's lines and the counts) when it loaded anything.
 */
export function writeImportBatch<R extends { line: number }>(
  run: ImportRun,
  file: string,
  action: string,
  rows: R[],
  apply: (m: EntityManager, rows: R[]) => Promise<BatchOutcome>,
): Promise<BatchOutcome> {
  return runMutation(run.dataSource, run.mutation, {
    operation: action,
    work: async (m) => {
      const outcome = await apply(m, rows);
      const after = {
        file: resolve(file),
        firstLine: rows[0].line,
        lastLine: rows[rows.length - 1].line,
        loaded: outcome.loaded,
        skipped: outcome.skipped,
        bankOrganizationId: run.bankId,
      };
      return { result: outcome, audit: outcome.loaded > 0 ? { action, entityType: 'GreenLoanImport', entityId: run.importId, after } : { unchanged: 'every row of the batch was already loaded or refused' } };
    },
  });
}
