import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { AppError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { OrganizationKind, UserRole, type Actor } from '../common/actor.js';
import { RefreshTokenEntity, UserEntity } from './entities.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottle } from './login-throttle.js';
import { AuthPayloadModel } from './models.js';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.js';
import { TokenService } from './token.service.js';
import { MutationRunner, type Written } from '../mutation/mutation.js';

const BAD_CREDENTIALS = 'Invalid e-mail or password';

type RefreshOutcome = { error: string } | { payload: AuthPayloadModel };

@Injectable()
export class AuthService {
  /** Verified against when the e-mail is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly identity: IdentityService,
    private readonly mutations: MutationRunner,
    private readonly throttle: LoginThrottle,
  ) {
    this.decoyHash = hashPassword(randomToken(16));
  }

  async login(email: string, password: string, requestId: string, clientAddress: string): Promise<AuthPayloadModel> {
    const normalized = email.trim().toLowerCase();
    this.throttle.assertAllowed(normalized, clientAddress);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email: normalized });
    const ok = await verifyPassword(user?.passwordHash ?? (await this.decoyHash), password);
    if (!user || !ok || !user.active) {
      this.throttle.recordFailure(normalized, clientAddress);
      throw AppError.unauthenticated(BAD_CREDENTIALS);
    }
    this.throttle.recordSuccess(normalized);
    return this.mutations.run({ actor: await this.actorOf(user), requestId }, {
      operation: 'login',
      work: async (m) => ({ result: await this.issue(m, user.id, newId()), audit: { action: 'auth.login', entityType: 'User', entityId: user.id } }),
    });
  }

  /**
   * Rotates a refresh token. A token that was already used (or revoked) means it leaked: its whole family is revoked,
   * committed, and the caller must log in again.
   */
  async refresh(refreshToken: string, requestId: string): Promise<AuthPayloadModel> {
    const hash = sha256(refreshToken);
    // The actor is known only once the token is found: the audit rows name it through `actorOf` inside the work.
    const outcome = await this.mutations.run({ actor: null, requestId }, {
      operation: 'refreshToken',
      work: async (m): Promise<Written<RefreshOutcome>> => {
        const token = await m.findOne(RefreshTokenEntity, { where: { tokenHash: hash }, lock: { mode: 'pessimistic_write' } });
        if (!token) return { result: { error: 'The refresh token is not valid' }, audit: { unchanged: 'unknown token' } };
        const now = new Date();
        if (token.usedAt || token.revokedAt) {
          await m.query(`UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, [token.familyId, now]);
          return {
            result: { error: 'The refresh token was already used; its session is revoked. Log in again.' },
            audit: { action: 'auth.refreshTokenReuse', entityType: 'RefreshTokenFamily', entityId: token.familyId },
            actor: await this.actorOf(await m.findOneByOrFail(UserEntity, { id: token.userId }), m),
          };
        }
        if (token.expiresAt <= now) return { result: { error: 'The refresh token has expired' }, audit: { unchanged: 'expired token' } };
        const user = await m.findOneBy(UserEntity, { id: token.userId });
        if (!user?.active) return { result: { error: 'The refresh token is not valid' }, audit: { unchanged: 'inactive user' } };
        token.usedAt = now;
        await m.save(token);
        return {
          result: { payload: await this.issue(m, user.id, token.familyId) },
          audit: { action: 'auth.refresh', entityType: 'RefreshTokenFamily', entityId: token.familyId },
          actor: await this.actorOf(user, m),
        };
      },
    });
    if ('error' in outcome) {
      // A reused token revoked its family (committed by now): no remembered access token of it may pass here.
      this.tokens.forgetVerified();
      throw AppError.unauthenticated(outcome.error);
    }
    return outcome.payload;
  }

  private async issue(m: EntityManager, userId: string, familyId: string): Promise<AuthPayloadModel> {
    const refreshToken = randomToken(32);
    const now = new Date();
    await m.save(
      m.create(RefreshTokenEntity, {
        id: newId(),
        familyId,
        userId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(now.getTime() + this.config.jwt.refreshTtlSeconds * 1000),
        usedAt: null,
        revokedAt: null,
        createdAt: now,
      }),
    );
    const access = await this.tokens.issueAccessToken(userId, familyId);
    return Object.assign(new AuthPayloadModel(), {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      user: await this.identity.loadUser(m, userId),
    });
  }

  private async actorOf(user: UserEntity, m: EntityManager = this.dataSource.manager): Promise<Actor> {
    const [org] = await m.query(`SELECT kind FROM organization WHERE id = $1`, [user.organizationId]);
    return {
      userId: user.id,
      apiKeyId: null,
      organizationId: user.organizationId,
      organizationKind: org.kind as OrganizationKind,
      role: user.role as UserRole,
    };
  }
}
