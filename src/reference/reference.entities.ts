import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'division' })
export class DivisionEntity {
  @PrimaryColumn('varchar', { length: 6 }) code: string;
  @Column('text') name: string;
  @Column('text', { name: 'name_zh' }) nameZh: string;
  @Column('text') level: string;
  @Column('varchar', { name: 'parent_code', length: 6, nullable: true }) parentCode: string | null;
  @Column('text', { nullable: true }) source: string | null;
}

@Entity({ name: 'taxonomy_catalogue' })
export class TaxonomyCatalogueEntity {
  @PrimaryColumn('text') code: string;
  @Column('text') name: string;
  @Column('text', { name: 'name_zh' }) nameZh: string;
  @Column('text', { name: 'document_number', nullable: true }) documentNumber: string | null;
  @Column('int') year: number;
}

@Entity({ name: 'taxonomy_category' })
export class TaxonomyCategoryEntity {
  @PrimaryColumn('text') catalogue: string;
  @PrimaryColumn('text') code: string;
  @Column('smallint') level: number;
  @Column('text', { name: 'parent_code', nullable: true }) parentCode: string | null;
  @Column('text', { name: 'name_zh', nullable: true }) nameZh: string | null;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text', { nullable: true }) source: string | null;
}

@Entity({ name: 'taxonomy_crosswalk' })
export class TaxonomyCrosswalkEntity {
  @PrimaryColumn('text', { name: 'from_catalogue' }) fromCatalogue: string;
  @PrimaryColumn('text', { name: 'from_code' }) fromCode: string;
  @PrimaryColumn('text', { name: 'to_catalogue' }) toCatalogue: string;
  @PrimaryColumn('text', { name: 'to_code' }) toCode: string;
  @Column('text', { nullable: true }) note: string | null;
}
