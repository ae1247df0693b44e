import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  constantTimeEqual,
  generateCode,
  matchesSealedCode,
  MAX_CODE_LENGTH,
  MIN_CODE_LENGTH,
  sealCode,
} from '../../../shared/passwordless/codes.ts';

/** Chi-square critical value for 9 degrees of freedom at p = 1e-6: a fair generator fails once in a million runs. */
const CHI_SQUARE_9_P_1E6 = 44.81;

function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

function digitCounts(digits: Iterable<string>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const digit of digits) counts[Number(digit)] = (counts[Number(digit)] ?? 0) + 1;
  return counts;
}

describe('one-time codes', () => {
  it('has exactly the asked number of decimal digits, for every length allowed', () => {
    for (let length = MIN_CODE_LENGTH; length <= MAX_CODE_LENGTH; length++) {
      for (let i = 0; i < 200; i++) expect(generateCode(length)).toMatch(new RegExp(`^\\d{${length}}$`, 'u'));
    }
  });

  it('refuses lengths outside 4..12', () => {
    for (const length of [0, 3, 13, 6.5, Number.NaN]) expect(() => generateCode(length)).toThrow(RangeError);
  });

  it('draws each digit with one uniform draw below 10 (crypto.randomInt rejects, it does not reduce modulo)', () => {
    const asked: number[] = [];
    const sequence = [3, 1, 4, 1, 5, 9, 2, 6];
    let at = 0;
    const code = generateCode(8, (max) => {
      asked.push(max);
      return sequence[at++] as number;
    });
    expect(code).toBe('31415926');
    expect(asked).toEqual(new Array(8).fill(10));
    expect(() => generateCode(6, () => 10)).toThrow(RangeError);
  });

  it('makes every digit equally likely, overall and at every position (chi-square, p = 1e-6)', () => {
    const codes = Array.from({ length: 40_000 }, () => generateCode(6));
    const overall = digitCounts(codes.join(''));
    expect(chiSquare(overall)).toBeLessThan(CHI_SQUARE_9_P_1E6);
    for (let position = 0; position < 6; position++) {
      expect(chiSquare(digitCounts(codes.map((code) => code[position] as string)))).toBeLessThan(CHI_SQUARE_9_P_1E6);
    }
    // Every length too, pooled over its positions.
    for (let length = MIN_CODE_LENGTH; length <= MAX_CODE_LENGTH; length++) {
      const digits = Array.from({ length: Math.ceil(30_000 / length) }, () => generateCode(length)).join('');
      expect(chiSquare(digitCounts(digits))).toBeLessThan(CHI_SQUARE_9_P_1E6);
    }
  });

  it('the same test catches the modulo bias of `byte % 10` at this sample size (the test has the power to fail)', () => {
    const bytes = randomBytes(240_000);
    const biased = Array.from(bytes, (byte) => String(byte % 10));
    expect(chiSquare(digitCounts(biased))).toBeGreaterThan(CHI_SQUARE_9_P_1E6);
  });
});

describe('constant-time comparison', () => {
  it('is string equality', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('tells apart strings of different lengths, prefixes, and Unicode look-alikes', () => {
    expect(constantTimeEqual('123456', '1234567')).toBe(false);
    expect(constantTimeEqual('', '0')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('sealed codes', () => {
  it('match the code they seal (surrounding blanks forgiven) and nothing else', () => {
    const sealed = sealCode('048213');
    expect(matchesSealedCode('048213', sealed)).toBe(true);
    expect(matchesSealedCode(' 048213 ', sealed)).toBe(true);
    expect(matchesSealedCode('48213', sealed)).toBe(false);
    expect(matchesSealedCode('048214', sealed)).toBe(false);
    expect(JSON.stringify(sealed)).not.toContain('048213');
  });

  it('use a new salt each time, so one code seals differently twice', () => {
    expect(sealCode('123456').digest).not.toBe(sealCode('123456').digest);
  });
});
