import { Args, Query, Resolver } from '@nestjs/graphql';
import { DivisionLevel, DivisionModel, TaxonomyCatalogue, TaxonomyCatalogueModel, TaxonomyCategoryModel, TaxonomyMappingModel } from './reference.models.js';
import { ReferenceService } from './reference.service.js';

@Resolver()
export class ReferenceResolver {
  constructor(private readonly reference: ReferenceService) {}

  @Query(() => [DivisionModel], { description: 'Administrative divisions: children of parentCode, or the top level; or all of one level.' })
  divisions(
    @Args('parentCode', { type: () => String, nullable: true }) parentCode?: string | null,
    @Args('level', { type: () => DivisionLevel, nullable: true }) level?: DivisionLevel | null,
  ) {
    return this.reference.divisions(parentCode, level);
  }

  @Query(() => [TaxonomyCatalogueModel])
  taxonomyCatalogues() {
    return this.reference.catalogues();
  }

  @Query(() => [TaxonomyCategoryModel], { description: 'Categories of a catalogue: children of parentCode, or level 1.' })
  taxonomyCategories(
    @Args('catalogue', { type: () => TaxonomyCatalogue }) catalogue: TaxonomyCatalogue,
    @Args('parentCode', { type: () => String, nullable: true }) parentCode?: string | null,
  ) {
    return this.reference.categories(catalogue, parentCode);
  }

  @Query(() => [TaxonomyMappingModel], { description: 'Mappings between catalogues, used to group by level 1 of either.' })
  taxonomyCrosswalk(
    @Args('fromCatalogue', { type: () => TaxonomyCatalogue, nullable: true }) fromCatalogue?: TaxonomyCatalogue | null,
    @Args('toCatalogue', { type: () => TaxonomyCatalogue, nullable: true }) toCatalogue?: TaxonomyCatalogue | null,
  ) {
    return this.reference.crosswalk(fromCatalogue, toCatalogue);
  }
}
