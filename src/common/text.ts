import { AppError } from './errors.js';

/** Escapes LIKE wildcards so user text matches literally (backslash is the default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A required free-text argument (a review comment, a removal reason): trimmed, non-empty, bounded. */
export function requiredText(value: string, path: string, max = 2000): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw AppError.field(path, 'must not be empty');
  if (trimmed.length > max) throw AppError.field(path, `must be at most ${max} characters`);
  return trimmed;
}
