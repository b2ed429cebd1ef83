import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
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
    return rows.map((d) => ({ code: d.code, name: d.name, nameZh: d.nameZh, level: d.level as DivisionLevel, parentCode: d.parentCode }));
  }

  async division(code: string): Promise<DivisionModel | null> {
    const d = await this.dataSource.getRepository(DivisionEntity).findOneBy({ code });
    return d && { code: d.code, name: d.name, nameZh: d.nameZh, level: d.level as DivisionLevel, parentCode: d.parentCode };
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
