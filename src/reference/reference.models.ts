import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, Matches } from 'class-validator';

export enum TaxonomyCatalogue {
  /** 绿色产业指导目录（2019年版） */
  GIGC_2019 = 'GIGC_2019',
  /** 绿色债券支持项目目录（2021年版） */
  GBEPC_2021 = 'GBEPC_2021',
  /** 绿色低碳转型产业指导目录（2024年版） */
  GLTIGC_2024 = 'GLTIGC_2024',
}
registerEnumType(TaxonomyCatalogue, {
  name: 'TaxonomyCatalogue',
  valuesMap: {
    GIGC_2019: { description: 'Green Industry Guidance Catalogue (2019), 绿色产业指导目录' },
    GBEPC_2021: { description: 'Green Bond Endorsed Projects Catalogue (2021), 绿色债券支持项目目录' },
    GLTIGC_2024: { description: 'Green and Low-Carbon Transition Industry Guidance Catalogue (2024), 绿色低碳转型产业指导目录' },
  },
});

export enum DivisionLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
}
registerEnumType(DivisionLevel, { name: 'DivisionLevel' });

@ObjectType('Division')
export class DivisionModel {
  @Field({ description: 'GB/T 2260 code, e.g. 350203.' }) code: string;
  @Field() name: string;
  @Field() nameZh: string;
  @Field(() => DivisionLevel) level: DivisionLevel;
  @Field(() => String, { nullable: true }) parentCode: string | null;
}

@ObjectType('TaxonomyCatalogueInfo')
export class TaxonomyCatalogueModel {
  @Field(() => TaxonomyCatalogue) code: TaxonomyCatalogue;
  @Field() name: string;
  @Field() nameZh: string;
  @Field(() => String, { nullable: true }) documentNumber: string | null;
  @Field(() => Int) year: number;
}

@ObjectType('TaxonomyCategory')
export class TaxonomyCategoryModel {
  @Field(() => TaxonomyCatalogue) catalogue: TaxonomyCatalogue;
  @Field({ description: 'Dotted code, e.g. 3.2.2.2.' }) code: string;
  @Field(() => Int) level: number;
  @Field(() => String, { nullable: true }) parentCode: string | null;
  @Field(() => String, { nullable: true, description: 'Null where no public source gave the name.' }) nameZh: string | null;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field({ description: 'The level-1 code this category falls under.' }) level1Code: string;
}

@ObjectType('TaxonomyMapping')
export class TaxonomyMappingModel {
  @Field(() => TaxonomyCatalogue) fromCatalogue: TaxonomyCatalogue;
  @Field() fromCode: string;
  @Field(() => TaxonomyCatalogue) toCatalogue: TaxonomyCatalogue;
  @Field() toCode: string;
  @Field(() => String, { nullable: true, description: 'Basis of the mapping; "inferred" where no source states it.' }) note: string | null;
}

@InputType()
export class TaxonomyRefInput {
  @Field(() => TaxonomyCatalogue) @IsEnum(TaxonomyCatalogue) catalogue: TaxonomyCatalogue;
  @Field({ description: 'Dotted code, e.g. 3.2.2.2.' })
  @Matches(/^\d+(\.\d+){0,3}$/, { message: 'must be a dotted category code such as 3.2.2.2' })
  code: string;
}

/** Land or sea: Xiamen accounts both together (陆海统筹). */
export enum Realm {
  LAND = 'LAND',
  SEA = 'SEA',
}
registerEnumType(Realm, { name: 'Realm' });

@InputType()
export class TaxonomyLevel1Filter {
  @Field(() => TaxonomyCatalogue) @IsEnum(TaxonomyCatalogue) catalogue: TaxonomyCatalogue;
  @Field({ description: 'A level-1 code of that catalogue, e.g. "3".' }) @Matches(/^\d+$/, { message: 'must be a level-1 code' }) code: string;
}
