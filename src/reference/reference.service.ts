import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../common/actor.js';
import type { FieldError } from '../common/errors.js';
import { loaderFor } from '../common/request-cache.js';
import { DivisionEntity, TaxonomyCatalogueEntity, TaxonomyCategoryEntity, TaxonomyCrosswalkEntity } from './reference.entities.js';
import {
  DivisionLevel,
  DivisionModel,
  TaxonomyCatalogue,
  TaxonomyCatalogueModel,
  TaxonomyCategoryModel,
  TaxonomyMappingModel,
} from './reference.models.js';

/** Reference data is public to every authenticated party. */
@Injectable()
export class ReferenceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Children of `parentCode`; without it, the top of the tree. */
  async divisions(parentCode?: string | null, level?: DivisionLevel | null): Promise<DivisionModel[]> {
    const where = level ? { level } : { parentCode: parentCode ?? IsNull() };
    if (level && parentCode) Object.assign(where, { parentCode });
    const rows = await this.dataSource.getRepository(DivisionEntity).find({ where, order: { code: 'ASC' } });
    return rows.map(toDivisionModel);
  }

  async division(code: string): Promise<DivisionModel | null> {
    const d = await this.dataSource.getRepository(DivisionEntity).findOneBy({ code });
    return d && toDivisionModel(d);
  }

  /** Batched per request, for nested `district` fields. */
  divisionOf(ctx: RequestContext, code: string): Promise<DivisionModel | null> {
    return loaderFor<string, DivisionModel | null>(
      ctx.cache,
      'division',
      async (codes) => {
        const rows = await this.dataSource.getRepository(DivisionEntity).findBy({ code: In([...codes]) });
        return new Map(rows.map((d) => [d.code, toDivisionModel(d)]));
      },
      null,
    ).load(code);
  }

  /** Batched per request, for nested `taxonomy` fields. */
  categoryOf(ctx: RequestContext, catalogue: string, code: string): Promise<TaxonomyCategoryModel | null> {
    return loaderFor<string, TaxonomyCategoryModel | null>(
      ctx.cache,
      'taxonomyCategory',
      async (keys) => {
        const pairs = keys.map((k) => k.split('|'));
        // Over-fetches the cross product of catalogues and codes at most; the map below keeps the pairs asked for.
        const rows = await this.dataSource.getRepository(TaxonomyCategoryEntity).findBy({
          catalogue: In([...new Set(pairs.map((p) => p[0]))]),
          code: In([...new Set(pairs.map((p) => p[1]))]),
        });
        return new Map(rows.map((c) => [`${c.catalogue}|${c.code}`, toCategoryModel(c)]));
      },
      null,
    ).load(`${catalogue}|${code}`);
  }

  /**
   * Input checks shared by the features: a problem for `path`, or null when the division exists. They take the
   * caller's transaction manager (on the one-connection embedded database another connection would never come).
   */
  async divisionProblem(m: EntityManager, code: string, path: string): Promise<FieldError | null> {
    const d = await m.findOneBy(DivisionEntity, { code });
    if (!d) return { path, message: `unknown division code ${code}` };
    if (d.level === DivisionLevel.PROVINCE) return { path, message: `${code} is a province; give the city or district` };
    return null;
  }

  async categoryProblem(m: EntityManager, catalogue: string, code: string, path: string): Promise<FieldError | null> {
    const c = await m.findOneBy(TaxonomyCategoryEntity, { catalogue, code });
    return c ? null : { path, message: `${code} is not a category of ${catalogue}` };
  }

  async catalogues(): Promise<TaxonomyCatalogueModel[]> {
    const rows = await this.dataSource.getRepository(TaxonomyCatalogueEntity).find({ order: { year: 'ASC' } });
    return rows.map((c) => ({ ...c, code: c.code as TaxonomyCatalogue }));
  }

  /** Children of `parentCode` in a catalogue; without it, the level-1 categories. */
  async categories(catalogue: TaxonomyCatalogue, parentCode?: string | null): Promise<TaxonomyCategoryModel[]> {
    const rows = await this.dataSource
      .getRepository(TaxonomyCategoryEntity)
      .find({ where: { catalogue, parentCode: parentCode ?? IsNull() } });
    return rows.sort((a, b) => compareDotted(a.code, b.code)).map(toCategoryModel);
  }

  async category(catalogue: TaxonomyCatalogue, code: string): Promise<TaxonomyCategoryModel | null> {
    const row = await this.dataSource.getRepository(TaxonomyCategoryEntity).findOneBy({ catalogue, code });
    return row && toCategoryModel(row);
  }

  async crosswalk(fromCatalogue?: TaxonomyCatalogue | null, toCatalogue?: TaxonomyCatalogue | null): Promise<TaxonomyMappingModel[]> {
    const where: { fromCatalogue?: string; toCatalogue?: string } = {};
    if (fromCatalogue) where.fromCatalogue = fromCatalogue;
    if (toCatalogue) where.toCatalogue = toCatalogue;
    const rows = await this.dataSource.getRepository(TaxonomyCrosswalkEntity).find({ where });
    return rows
      .sort((a, b) => a.fromCatalogue.localeCompare(b.fromCatalogue) || compareDotted(a.fromCode, b.fromCode) || a.toCatalogue.localeCompare(b.toCatalogue) || compareDotted(a.toCode, b.toCode))
      .map((r) => ({ ...r, fromCatalogue: r.fromCatalogue as TaxonomyCatalogue, toCatalogue: r.toCatalogue as TaxonomyCatalogue }));
  }
}

function toDivisionModel(d: DivisionEntity): DivisionModel {
  return { code: d.code, name: d.name, nameZh: d.nameZh, level: d.level as DivisionLevel, parentCode: d.parentCode };
}

function toCategoryModel(c: TaxonomyCategoryEntity): TaxonomyCategoryModel {
  return {
    catalogue: c.catalogue as TaxonomyCatalogue,
    code: c.code,
    level: c.level,
    parentCode: c.parentCode,
    nameZh: c.nameZh,
    name: c.name,
    level1Code: c.code.split('.')[0],
  };
}

/** Orders 1.10 after 1.9. */
export function compareDotted(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
