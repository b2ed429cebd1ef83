import type { EntityManager } from 'typeorm';
import { InclusionStatus } from './inclusion-status.js';

export interface AdmittedEnterprise {
  id: string;
  organizationId: string;
  districtCode: string;
}

export interface AdmittedProject {
  id: string;
  enterpriseId: string;
  organizationId: string;
  districtCode: string;
}

function distinct(ids: readonly (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((x): x is string => !!x))];
}

/**
 * The one owner of "lock these library records and check they are admitted", for everything that points a loan, a
 * bond or an allocation at the libraries (the API and the bulk import alike). Rows come back only when ADMITTED and
 * are share-locked until the caller's transaction ends, so the regulator cannot remove them before the new record
 * commits; an id that is missing or not admitted is simply absent from the answer (callers give one answer for both,
 * so nothing is learnt about applications in progress). Locks are taken in id order, so two callers cannot deadlock.
 */
export async function lockAdmittedEnterprises(m: EntityManager, ids: readonly (string | null | undefined)[]): Promise<Map<string, AdmittedEnterprise>> {
  const wanted = distinct(ids);
  if (!wanted.length) return new Map();
  const rows: { id: string; organization_id: string; district_code: string }[] = await m.query(
    `SELECT id, organization_id, district_code FROM enterprise WHERE id = ANY($1::uuid[]) AND status = $2 ORDER BY id FOR SHARE`,
    [wanted, InclusionStatus.ADMITTED],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, organizationId: r.organization_id, districtCode: r.district_code }]));
}

/** Projects, likewise. */
export async function lockAdmittedProjects(m: EntityManager, ids: readonly (string | null | undefined)[]): Promise<Map<string, AdmittedProject>> {
  const wanted = distinct(ids);
  if (!wanted.length) return new Map();
  const rows: { id: string; enterprise_id: string; organization_id: string; district_code: string }[] = await m.query(
    `SELECT id, enterprise_id, organization_id, district_code FROM project WHERE id = ANY($1::uuid[]) AND status = $2 ORDER BY id FOR SHARE`,
    [wanted, InclusionStatus.ADMITTED],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, enterpriseId: r.enterprise_id, organizationId: r.organization_id, districtCode: r.district_code }]));
}

/** One admitted enterprise, share-locked, or null. */
export async function lockAdmittedEnterprise(m: EntityManager, id: string | null | undefined): Promise<AdmittedEnterprise | null> {
  return (id && (await lockAdmittedEnterprises(m, [id])).get(id)) || null;
}

/** One admitted project, share-locked, or null. */
export async function lockAdmittedProject(m: EntityManager, id: string | null | undefined): Promise<AdmittedProject | null> {
  return (id && (await lockAdmittedProjects(m, [id])).get(id)) || null;
}
