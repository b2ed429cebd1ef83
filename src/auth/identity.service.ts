import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { loaderFor } from '../common/request-cache.js';
import { AppError, type FieldError } from '../common/errors.js';
import { UsccAllowlistService } from '../uscc/uscc-allowlist.service.js';
import { MutationRunner, runMutation } from '../mutation/mutation.js';
import { newId } from '../common/ids.js';
import { lockKeys } from '../common/locks.js';
import { OrganizationKind, UserRole, type RequestContext } from '../common/actor.js';
import { AccessPolicy } from '../access/access-policy.js';
import type { CreateOrganizationInput, CreateUserInput } from './dto/identity.inputs.js';
import { ApiKeyEntity, OrganizationEntity, UserEntity } from './entities.js';
import { ApiKeyModel, CreatedApiKeyModel, OrganizationModel, UserModel } from './models.js';
import { hashPassword, randomToken, sha256 } from './secrets.js';
import { API_KEY_PREFIX, TokenService } from './token.service.js';

@Injectable()
export class IdentityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: AccessPolicy,
    private readonly mutations: MutationRunner,
    private readonly allowlist: UsccAllowlistService,
    private readonly tokens: TokenService,
  ) {}

  async me(ctx: RequestContext): Promise<UserModel> {
    if (!ctx.actor.userId) throw AppError.forbidden('An API key is not a user; `me` needs a user access token');
    return this.loadUser(this.dataSource.manager, ctx.actor.userId);
  }

  async organization(ctx: RequestContext, id: string): Promise<OrganizationModel> {
    const org = await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
    // Organisations are not secret among participants, but only the regulator lists them all; others see their own.
    if (!org || !this.policy.organizationScope(ctx.actor).allows(org)) throw AppError.notFound('Organization');
    return OrganizationModel.fromEntity(org);
  }

  /**
   * An organisation as a counterparty (a loan's bank, a bond's registrar): shown to whoever may see the record that
   * names it. Batched per request.
   */
  counterparty(ctx: RequestContext, id: string): Promise<OrganizationModel | null> {
    return loaderFor<string, OrganizationModel | null>(
      ctx.cache,
      'organization',
      async (ids) => {
        const rows = await this.dataSource.getRepository(OrganizationEntity).findBy({ id: In([...ids]) });
        return new Map(rows.map((o) => [o.id, OrganizationModel.fromEntity(o)]));
      },
      null,
    ).load(id);
  }

  async createOrganization(ctx: RequestContext, input: CreateOrganizationInput): Promise<OrganizationModel> {
    this.policy.assertCanCreateOrganization(ctx.actor);
    return this.mutations.run(ctx, {
      operation: 'createOrganization',
      work: async (m) => {
        // Serialised with enterprise applications under the same code (they take the same lock), so an application
        // cannot slip in beside the registration of its code to another organisation.
        if (input.uscc) await lockKeys(m, `uscc:${input.uscc}`);
        const problems: FieldError[] = [];
        const taken = await m.query(`SELECT 1 FROM organization WHERE lower(name) = lower($1)`, [input.name]);
        if (taken.length) problems.push({ path: 'input.name', message: 'an organisation with this name already exists' });
        if (input.uscc) {
          const usccProblem = await this.allowlist.usccProblem(m, input.uscc);
          if (usccProblem) problems.push({ path: 'input.uscc', message: usccProblem });
          else if ((await m.query(`SELECT 1 FROM organization WHERE uscc = $1`, [input.uscc])).length) {
            problems.push({ path: 'input.uscc', message: 'another organisation is registered with this USCC' });
          }
        }
        if (problems.length) throw AppError.badInput(problems);
        const org = await m.save(
          m.create(OrganizationEntity, {
            id: newId(),
            kind: input.kind,
            name: input.name,
            nameZh: input.nameZh ?? null,
            uscc: input.uscc ?? null,
            createdAt: new Date(),
          }),
        );
        const model = OrganizationModel.fromEntity(org);
        return { result: model, audit: { action: 'organization.create', entityType: 'Organization', entityId: org.id, after: model } };
      },
    });
  }

  async createUser(ctx: RequestContext, input: CreateUserInput): Promise<UserModel> {
    const organizationId = input.organizationId ?? ctx.actor.organizationId;
    this.policy.assertCanCreateUser(ctx.actor, organizationId);
    const passwordHash = await hashPassword(input.password);
    return this.mutations.run(ctx, {
      operation: 'createUser',
      work: async (m) => {
        const org = await m.findOneBy(OrganizationEntity, { id: organizationId });
        if (!org) throw AppError.field('input.organizationId', 'no such organisation');
        const taken = await m.query(`SELECT 1 FROM app_user WHERE email = $1`, [input.email]);
        if (taken.length) throw AppError.field('input.email', 'a user with this e-mail already exists');
        const user = await m.save(
          m.create(UserEntity, {
            id: newId(),
            organizationId,
            email: input.email,
            displayName: input.displayName,
            passwordHash,
            role: input.role,
            active: true,
            createdAt: new Date(),
          }),
        );
        const model = UserModel.fromEntity(user, org);
        return { result: model, audit: { action: 'user.create', entityType: 'User', entityId: user.id, after: model } };
      },
    });
  }

  async apiKeys(ctx: RequestContext): Promise<ApiKeyModel[]> {
    this.policy.assertCanManageApiKeys(ctx.actor);
    const rows = await this.dataSource.getRepository(ApiKeyEntity).find({
      where: { organizationId: ctx.actor.organizationId },
      order: { id: 'DESC' },
    });
    return rows.map(ApiKeyModel.fromEntity);
  }

  async createApiKey(ctx: RequestContext, name: string): Promise<CreatedApiKeyModel> {
    this.policy.assertCanManageApiKeys(ctx.actor);
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw AppError.field('name', 'must be 1 to 100 characters');
    const prefix = randomBytes(5).toString('hex');
    const key = `${API_KEY_PREFIX}${prefix}_${randomToken(32)}`;
    return this.mutations.run(ctx, {
      operation: 'createApiKey',
      work: async (m) => {
        const entity = await m.save(
          m.create(ApiKeyEntity, {
            id: newId(),
            organizationId: ctx.actor.organizationId,
            createdByUserId: ctx.actor.userId!,
            name: trimmed,
            prefix,
            keyHash: sha256(key),
            createdAt: new Date(),
            revokedAt: null,
          }),
        );
        return {
          result: Object.assign(new CreatedApiKeyModel(), { id: entity.id, name: entity.name, prefix, key }),
          audit: { action: 'apiKey.create', entityType: 'ApiKey', entityId: entity.id, after: ApiKeyModel.fromEntity(entity) },
        };
      },
    });
  }

  async revokeApiKey(ctx: RequestContext, id: string): Promise<ApiKeyModel> {
    this.policy.assertCanManageApiKeys(ctx.actor);
    const revoked = await this.mutations.run(ctx, {
      operation: 'revokeApiKey',
      work: async (m) => {
        const key = await m.findOne(ApiKeyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!key || key.organizationId !== ctx.actor.organizationId) throw AppError.notFound('API key');
        const before = ApiKeyModel.fromEntity(key);
        if (!key.revokedAt) {
          key.revokedAt = new Date();
          await m.save(key);
        }
        const after = ApiKeyModel.fromEntity(key);
        return { result: after, audit: { action: 'apiKey.revoke', entityType: 'ApiKey', entityId: key.id, before, after } };
      },
    });
    // Committed: the key stops working in this process now (in others within AUTH_CACHE_SECONDS).
    this.tokens.forgetVerified();
    return revoked;
  }

  async loadUser(m: EntityManager, userId: string): Promise<UserModel> {
    const user = await m.findOneBy(UserEntity, { id: userId });
    if (!user) throw AppError.notFound('User');
    const org = await m.findOneByOrFail(OrganizationEntity, { id: user.organizationId });
    return UserModel.fromEntity(user, org);
  }
}

export interface FirstAdminResult {
  email: string;
  /** Set only when the password was generated here and must be shown once. */
  generatedPassword?: string;
}

/**
 * First start: with no user at all, create the regulator organisation and its administrator from ADMIN_EMAIL /
 * ADMIN_PASSWORD, or (local embedded mode only) a local administrator with a generated password.
 */
export async function ensureFirstAdmin(
  dataSource: DataSource,
  admin: { email?: string; password?: string },
  allowGenerated: boolean,
): Promise<FirstAdminResult | null> {
  return runMutation(dataSource, { actor: null, requestId: 'startup' }, {
    operation: 'bootstrapAdmin',
    work: async (m) => {
      // Two instances starting together must not both create an administrator.
      await m.query(`LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE`);
      const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM app_user`);
      if (count > 0) return { result: null, audit: { unchanged: 'users exist already' } };
      let email = admin.email;
      let password = admin.password;
      let generatedPassword: string | undefined;
      if (!email || !password) {
        if (!allowGenerated) return { result: null, audit: { unchanged: 'no administrator was configured' } };
        email = email ?? 'admin@registry.local';
        generatedPassword = randomToken(18);
        password = generatedPassword;
      }
      const orgId = newId();
      const userId = newId();
      await m.query(`INSERT INTO organization (id, kind, name, name_zh) VALUES ($1, $2, $3, $4)`, [
        orgId,
        OrganizationKind.REGULATOR,
        'Green Finance Regulator',
        '绿色金融监管机构',
      ]);
      await m.query(`INSERT INTO app_user (id, organization_id, email, display_name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)`, [
        userId,
        orgId,
        email,
        'Administrator',
        await hashPassword(password),
        UserRole.ORG_ADMIN,
      ]);
      return {
        result: { email, generatedPassword },
        audit: { action: 'user.bootstrapAdmin', entityType: 'User', entityId: userId, after: { email, organizationId: orgId, role: UserRole.ORG_ADMIN } },
      };
    },
  });
}
