import { EnvironmentalCreditRating as R, GreenGrade as G, scoreEnterprise } from './green-scorecard.js';

describe('green scorecard', () => {
  it('gives full points to a marine enterprise with ≥ 50 % green revenue and a GREEN rating', () => {
    const r = scoreEnterprise({ greenRevenueShare: '0.8', environmentalCreditRating: R.GREEN, marine: true });
    expect(r).toMatchObject({ score: 100, grade: G.A, greenByRevenue: true, fastTrack: true });
    expect(r.lines.map((l) => [l.indicator, l.points])).toEqual([
      ['GREEN_REVENUE_SHARE', 60],
      ['ENVIRONMENTAL_CREDIT_RATING', 30],
      ['MARINE', 10],
    ]);
  });

  it('scales green revenue proportionally below 50 %, exactly', () => {
    // 0.3 / 0.5 × 60 = 36; + BLUE 22 = 58 → C
    expect(scoreEnterprise({ greenRevenueShare: '0.3', environmentalCreditRating: R.BLUE, marine: false })).toMatchObject({
      score: 58,
      grade: G.C,
      greenByRevenue: false,
    });
    // 0.125 / 0.5 × 60 = 15 exactly
    expect(scoreEnterprise({ greenRevenueShare: '0.125', environmentalCreditRating: R.RED, marine: false }).lines[0].points).toBe(15);
  });

  it('draws grade boundaries at 80, 60 and 40', () => {
    const at = (share: string, rating: R, marine = false) => scoreEnterprise({ greenRevenueShare: share, environmentalCreditRating: rating, marine });
    expect(at('0.5', R.UNRATED, true)).toMatchObject({ score: 82, grade: G.A });
    expect(at('0.5', R.RED, false)).toMatchObject({ score: 60, grade: G.C }); // capped by RED
    expect(at('0.4', R.UNRATED)).toMatchObject({ score: 60, grade: G.B });
    expect(at('0.39', R.UNRATED)).toMatchObject({ score: 59, grade: G.C });
    expect(at('0.25', R.YELLOW, true)).toMatchObject({ score: 48, grade: G.C });
    expect(at('0.2', R.YELLOW)).toMatchObject({ score: 32, grade: G.D });
  });

  it('caps the grade at D for a BLACK rating whatever the points', () => {
    expect(scoreEnterprise({ greenRevenueShare: '1', environmentalCreditRating: R.BLACK, marine: true })).toMatchObject({ score: 70, grade: G.D });
  });

  it('rounds half up to whole points', () => {
    // 0.0125/0.5*60 = 1.5 → 2
    expect(scoreEnterprise({ greenRevenueShare: '0.0125', environmentalCreditRating: R.RED, marine: false }).score).toBe(2);
  });
});
