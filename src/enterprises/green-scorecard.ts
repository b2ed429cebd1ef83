import { registerEnumType } from '@nestjs/graphql';
import { Dec } from '../common/decimal.js';

/** 企业环境信用评价 (Fujian: 环保诚信 / 良好 / 警示 / 不良 企业; some provinces add 严重失信). */
export enum EnvironmentalCreditRating {
  /** 环保诚信 (green card) */
  GREEN = 'GREEN',
  /** 环保良好 (blue card) */
  BLUE = 'BLUE',
  /** 环保警示 (yellow card) */
  YELLOW = 'YELLOW',
  /** 环保不良 (red card) */
  RED = 'RED',
  /** 环保严重失信 (black card) */
  BLACK = 'BLACK',
  UNRATED = 'UNRATED',
}
registerEnumType(EnvironmentalCreditRating, {
  name: 'EnvironmentalCreditRating',
  description: 'Enterprise environmental credit evaluation (企业环境信用评价).',
  valuesMap: {
    GREEN: { description: '环保诚信 — trustworthy' },
    BLUE: { description: '环保良好 — good' },
    YELLOW: { description: '环保警示 — warned' },
    RED: { description: '环保不良 — poor' },
    BLACK: { description: '环保严重失信 — seriously untrustworthy' },
    UNRATED: { description: 'not yet evaluated' },
  },
});

export enum GreenGrade {
  A = 'A',
  B = 'B',
  C = 'C',
  D = 'D',
}
registerEnumType(GreenGrade, {
  name: 'GreenGrade',
  description: 'Advisory green grade from the scorecard: A (dark green) to D (not green).',
});

/**
 * The scorecard, in one place. Points out of 100:
 * - green revenue share, 60: proportional up to 50 % of revenue, where rating agencies call an entity green;
 * - environmental credit rating, 30: GREEN 30, BLUE 22, UNRATED 12, YELLOW 8, RED and BLACK 0;
 * - marine economy, 10: Xiamen fast-tracks marine enterprises.
 * Grades: A ≥ 80, B ≥ 60, C ≥ 40, else D. A RED rating caps the grade at C and BLACK at D, whatever the points.
 * It advises the reviewer; the decision stays the regulator's.
 */
export const SCORECARD = {
  greenRevenue: { maxPoints: 60, fullAtShare: '0.5' },
  creditRating: {
    maxPoints: 30,
    points: { GREEN: 30, BLUE: 22, UNRATED: 12, YELLOW: 8, RED: 0, BLACK: 0 } satisfies Record<EnvironmentalCreditRating, number>,
  },
  marine: { maxPoints: 10 },
  grades: [
    { grade: GreenGrade.A, minScore: 80 },
    { grade: GreenGrade.B, minScore: 60 },
    { grade: GreenGrade.C, minScore: 40 },
    { grade: GreenGrade.D, minScore: 0 },
  ],
  caps: { RED: GreenGrade.C, BLACK: GreenGrade.D } as Partial<Record<EnvironmentalCreditRating, GreenGrade>>,
} as const;

export interface ScorecardInput {
  /** Decimal string, 0..1. */
  greenRevenueShare: string;
  environmentalCreditRating: EnvironmentalCreditRating;
  marine: boolean;
}

export interface ScorecardLine {
  indicator: 'GREEN_REVENUE_SHARE' | 'ENVIRONMENTAL_CREDIT_RATING' | 'MARINE';
  points: number;
  maxPoints: number;
  note: string;
}

export interface ScorecardResult {
  score: number;
  grade: GreenGrade;
  lines: ScorecardLine[];
  /** Rating agencies' rule: green revenue ≥ 50 %. */
  greenByRevenue: boolean;
  /** Marine enterprises are reviewed on Xiamen's fast track. */
  fastTrack: boolean;
}

const GRADE_ORDER = [GreenGrade.A, GreenGrade.B, GreenGrade.C, GreenGrade.D];

export function scoreEnterprise(input: ScorecardInput): ScorecardResult {
  const share = new Dec(input.greenRevenueShare);
  const full = new Dec(SCORECARD.greenRevenue.fullAtShare);
  // Whole points, rounded half up from the exact proportion.
  const revenuePoints = Dec.min(share.div(full), 1).mul(SCORECARD.greenRevenue.maxPoints).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
  const ratingPoints = SCORECARD.creditRating.points[input.environmentalCreditRating];
  const marinePoints = input.marine ? SCORECARD.marine.maxPoints : 0;
  const score = revenuePoints + ratingPoints + marinePoints;
  let grade = SCORECARD.grades.find((g) => score >= g.minScore)!.grade;
  const cap = SCORECARD.caps[input.environmentalCreditRating];
  if (cap && GRADE_ORDER.indexOf(cap) > GRADE_ORDER.indexOf(grade)) grade = cap;
  const pct = share.mul(100).toDecimalPlaces(2).toFixed();
  return {
    score,
    grade,
    greenByRevenue: share.gte(full),
    fastTrack: input.marine,
    lines: [
      {
        indicator: 'GREEN_REVENUE_SHARE',
        points: revenuePoints,
        maxPoints: SCORECARD.greenRevenue.maxPoints,
        note: `green revenue ${pct} % (full points from 50 %)`,
      },
      {
        indicator: 'ENVIRONMENTAL_CREDIT_RATING',
        points: ratingPoints,
        maxPoints: SCORECARD.creditRating.maxPoints,
        note: `environmental credit rating ${input.environmentalCreditRating}${cap ? `; caps the grade at ${cap}` : ''}`,
      },
      {
        indicator: 'MARINE',
        points: marinePoints,
        maxPoints: SCORECARD.marine.maxPoints,
        note: input.marine ? 'marine economy: fast track' : 'not a marine enterprise',
      },
    ],
  };
}
