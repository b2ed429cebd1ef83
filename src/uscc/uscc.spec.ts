import fc from 'fast-check';
import { normalizeUscc, USCC_ALPHABET, usccCheckChar, usccProblem } from './uscc.js';

/** Builds a valid code by the algorithm: first 17 characters, then the check character. */
function build(first17: string): string {
  return first17 + usccCheckChar(first17);
}

describe('USCC check (GB 32100-2015)', () => {
  it('accepts codes built by the algorithm', () => {
    for (const stem of ['91350200MA2Y0AB1', '91350203612000000', '12350200426600000']) {
      const first17 = stem.padEnd(17, '0').slice(0, 17);
      expect(usccProblem(build(first17))).toBeNull();
    }
  });

  it('accepts codes published by well-known companies', () => {
    expect(usccProblem('9144030071526726XG')).toBeNull(); // 深圳市腾讯计算机系统有限公司
    expect(usccProblem('91330100799655058B')).toBeNull(); // 阿里巴巴（中国）有限公司
  });

  it('accepts every code built from random valid stems, and refuses every other check character', () => {
    const char = fc.constantFrom(...USCC_ALPHABET.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const stem = fc.tuple(fc.array(char, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(char, { minLength: 9, maxLength: 9 }))
      .map(([a, b, c]) => [...a, ...b, ...c].join(''));
    fc.assert(
      fc.property(stem, char, (first17, wrong) => {
        const valid = build(first17);
        expect(usccProblem(valid)).toBeNull();
        if (wrong !== valid[17]) {
          expect(usccProblem(first17 + wrong)).toMatchObject({ kind: 'CHECK', expected: valid[17] });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names a wrong length', () => {
    expect(usccProblem('91350200')).toEqual({ kind: 'LENGTH', message: 'must be 18 characters, got 8' });
  });

  it.each(['I', 'O', 'S', 'V', 'Z', '-', ' '])('refuses the forbidden character %p, naming its position', (bad) => {
    const code = build('91350200MA2Y0AB10'.slice(0, 17));
    const broken = code.slice(0, 10) + bad + code.slice(11);
    expect(usccProblem(broken)).toMatchObject({ kind: 'CHARACTER', message: expect.stringContaining('position 11') });
  });

  it('refuses a division code that is not six digits', () => {
    const stem = '91AB0200MA2Y0AB10';
    expect(usccProblem(build(stem))).toMatchObject({ kind: 'DIVISION' });
  });

  it('says which check character was expected', () => {
    const good = build('91350211MA2Y0AB10');
    const other = USCC_ALPHABET[(USCC_ALPHABET.indexOf(good[17]) + 1) % 31];
    expect(usccProblem(good.slice(0, 17) + other)).toEqual({
      kind: 'CHECK',
      expected: good[17],
      message: `check character should be ${good[17]}, not ${other}`,
    });
  });

  it('refuses the early Xiamen pilot codes by the check (they need the allowlist)', () => {
    expect(usccProblem('91350211M0000XUF46')?.kind).toBe('CHECK');
    expect(usccProblem('91350203M0001FUE2P')?.kind).toBe('CHECK');
  });

  it('normalises case and surrounding spaces', () => {
    expect(normalizeUscc('  91350211m0000xuf46 ')).toBe('91350211M0000XUF46');
  });
});
