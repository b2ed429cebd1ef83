import { ApiKeyEntity, OrganizationEntity, RefreshTokenEntity, UserEntity } from '../auth/entities.js';
import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { EnterpriseEntity } from '../enterprises/enterprise.entity.js';
import { UsccAllowlistEntity } from '../uscc/uscc-allowlist.entity.js';
import { InclusionEventEntity } from '../inclusion/inclusion-event.entity.js';
import { ProjectEntity } from '../projects/project.entity.js';
import { GreenLoanEntity, LoanEventEntity } from '../loans/green-loan.entity.js';
import { BondAllocationEntity, GreenBondEntity } from '../bonds/green-bond.entity.js';
import { DivisionEntity, TaxonomyCatalogueEntity, TaxonomyCategoryEntity, TaxonomyCrosswalkEntity } from '../reference/reference.entities.js';

/** Every entity; features add theirs here. */
export const ENTITIES = [
  OrganizationEntity,
  UserEntity,
  ApiKeyEntity,
  RefreshTokenEntity,
  AuditEventEntity,
  DivisionEntity,
  TaxonomyCatalogueEntity,
  TaxonomyCategoryEntity,
  TaxonomyCrosswalkEntity,
  UsccAllowlistEntity,
  EnterpriseEntity,
  ProjectEntity,
  InclusionEventEntity,
  GreenLoanEntity,
  LoanEventEntity,
  GreenBondEntity,
  BondAllocationEntity,
];
