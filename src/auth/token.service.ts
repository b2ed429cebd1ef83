import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG, JWT_SIGNING_SECRET } from '../config/config.tokens.js';
import { AppError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { OrganizationKind, UserRole, type Actor } from '../common/actor.js';
import { sameHash, sha256 } from './secrets.js';

// Pinned: a token naming any other algorithm (including "none") is refused before its signature is looked at.
const ALGORITHM = 'HS256';
export const API_KEY_PREFIX = 'gfr_';

interface ActorRow {
  user_id: string | null;
  api_key_id: string | null;
  organization_id: string;
  kind: OrganizationKind;
  role: UserRole;
  key_hash?: string;
}

/** At most this many credentials are remembered; the oldest go first. */
const AUTH_CACHE_ENTRIES = 10_000;

/**
 * Issues access tokens and turns a bearer credential (access token or API key) into an actor.
 *
 * A credential the database confirmed is remembered for `AUTH_CACHE_SECONDS` (never past an access token's expiry),
 * so a busy client costs one database round trip per that many seconds, not one per request. Every revocation made
 * through this process (a refresh token reused, an API key revoked) clears the memory at once; one made through
 * another process of the registry takes effect here within `AUTH_CACHE_SECONDS`. Refusals are never remembered.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { actor: Actor; until: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SIGNING_SECRET) secret: string,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** `familyId` is the login's refresh-token family: revoking the family also ends its access tokens. */
  async issueAccessToken(userId: string, familyId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.config.jwt.accessTtlSeconds;
    const token = await new SignJWT({ sid: familyId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.config.jwt.issuer)
      .setAudience(this.config.jwt.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(newId())
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Returns the actor for an `Authorization` header value, null when there is none; throws on a bad credential. */
  async authenticate(header: string | undefined): Promise<Actor | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw AppError.unauthenticated('The Authorization header must be "Bearer <token or API key>"');
    const credential = match[1];
    const now = Date.now();
    const known = this.verified.get(credential);
    if (known && known.until > now) return known.actor;
    if (known) this.verified.delete(credential);
    const { actor, expiresAt } = credential.startsWith(API_KEY_PREFIX)
      ? { actor: await this.fromApiKey(credential), expiresAt: Infinity }
      : await this.fromAccessToken(credential);
    const ttl = this.config.jwt.authCacheSeconds * 1000;
    if (ttl > 0) {
      if (this.verified.size >= AUTH_CACHE_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(credential, { actor, until: Math.min(now + ttl, expiresAt) });
    }
    return actor;
  }

  /** Forgets every remembered credential: called after any revocation, so this process refuses at once. */
  forgetVerified(): void {
    this.verified.clear();
  }

  private async fromAccessToken(token: string): Promise<{ actor: Actor; expiresAt: number }> {
    let userId: string | undefined;
    let familyId: unknown;
    let expiresAt = 0;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
      });
      userId = payload.sub;
      familyId = payload.sid;
      expiresAt = (payload.exp ?? 0) * 1000;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw AppError.unauthenticated('The access token has expired');
      throw AppError.unauthenticated('The access token is not valid');
    }
    if (typeof familyId !== 'string' || !/^[0-9a-f-]{36}$/.test(familyId)) throw AppError.unauthenticated('The access token is not valid');
    const rows: ActorRow[] = await this.dataSource.query(
      `SELECT u.id AS user_id, NULL AS api_key_id, u.organization_id, o.kind, u.role
         FROM app_user u JOIN organization o ON o.id = u.organization_id
        WHERE u.id = $1 AND u.active
          AND NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = $2 AND r.revoked_at IS NOT NULL)`,
      [userId, familyId],
    );
    if (rows.length === 0) throw AppError.unauthenticated('The access token is not valid');
    return { actor: toActor(rows[0]), expiresAt };
  }

  private async fromApiKey(key: string): Promise<Actor> {
    const prefix = parseApiKeyPrefix(key);
    const rows: ActorRow[] = prefix
      ? await this.dataSource.query(
          `SELECT NULL AS user_id, k.id AS api_key_id, k.organization_id, o.kind, 'STAFF' AS role, k.key_hash
             FROM api_key k JOIN organization o ON o.id = k.organization_id
            WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
          [prefix],
        )
      : [];
    if (rows.length === 0 || !sameHash(rows[0].key_hash!, sha256(key))) throw AppError.unauthenticated('The API key is not valid');
    return toActor(rows[0]);
  }
}

export function parseApiKeyPrefix(key: string): string | null {
  const m = /^gfr_([0-9a-f]{10})_[A-Za-z0-9_-]{40,}$/.exec(key);
  return m ? m[1] : null;
}

function toActor(row: ActorRow): Actor {
  return {
    userId: row.user_id,
    apiKeyId: row.api_key_id,
    organizationId: row.organization_id,
    organizationKind: row.kind,
    role: row.role,
  };
}
