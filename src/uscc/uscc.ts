/**
 * Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters — registration department (1),
 * entity type (1), division code (6 digits), organisation code (9) and a check character computed over the first 17.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^(i-1) mod 31 for positions 1..17. */
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function normalizeUscc(raw: string): string {
  return raw.trim().toUpperCase();
}

/** The check character for the first 17 characters (which must be in the alphabet). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export type UsccProblem =
  | { kind: 'LENGTH'; message: string }
  | { kind: 'CHARACTER'; message: string }
  | { kind: 'DIVISION'; message: string }
  | { kind: 'CHECK'; message: string; expected: string };

/** Null when `code` (already normalised) is well-formed with a correct check character; otherwise what is wrong. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return { kind: 'LENGTH', message: `must be 18 characters, got ${code.length}` };
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(code[i])) {
      return {
        kind: 'CHARACTER',
        message: `character "${code[i]}" at position ${i + 1} is not allowed (only 0-9 and A-Y without I, O, S, V, Z)`,
      };
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { kind: 'DIVISION', message: `positions 3-8 must be the 6-digit division code, got "${code.slice(2, 8)}"` };
  }
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return { kind: 'CHECK', message: `check character should be ${expected}, not ${code[17]}`, expected };
  }
  return null;
}
