import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Environment keys whose values must never be printed or logged. */
export const SENSITIVE_CONFIG_KEYS = new Set(['DATABASE_URL', 'JWT_SECRET', 'ADMIN_PASSWORD']);

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number.parseInt(String(value), 10) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Raw environment, validated. Names match the environment variables (see README). */
class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './data';

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DB_POOL_MAX = 10;

  @Transform(toInt) @IsInt() @Min(100)
  DB_CONNECT_TIMEOUT_MS = 10_000;

  @Transform(toInt) @IsInt() @Min(0)
  DB_STATEMENT_TIMEOUT_MS = 30_000;

  @Transform(toInt) @IsInt() @Min(0)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

  @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN = true;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsString()
  JWT_ISSUER = 'green-finance-registry';

  @IsString()
  JWT_AUDIENCE = 'green-finance-registry-api';

  @Transform(toInt) @IsInt() @Min(1) @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(60)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

  // How long a verified credential is taken from memory instead of the database (0: every request asks the database).
  @Transform(toInt) @IsInt() @Min(0) @Max(300)
  AUTH_CACHE_SECONDS = 5;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'ADMIN_EMAIL must be an e-mail address' })
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  @Transform(toBool) @IsOptional() @IsBoolean()
  GRAPHQL_INTROSPECTION?: boolean;

  @Transform(toInt) @IsInt() @Min(2) @Max(50)
  GRAPHQL_MAX_DEPTH = 12;

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  GRAPHQL_MAX_ROOT_FIELDS = 20;

  @Transform(toInt) @IsInt() @Min(1)
  GRAPHQL_MAX_COST = 25_000;

  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  GRAPHQL_MAX_PAGE_SIZE = 100;

  @Transform(toInt) @IsInt() @Min(100)
  GRAPHQL_MAX_TOKENS = 5_000;

  @Transform(toInt) @IsInt() @Min(10)
  GRAPHQL_MAX_SELECTIONS = 250;

  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 10;

  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_MAX_FAILURES_PER_ADDRESS = 100;

  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(1)
  IDEMPOTENCY_KEY_RETENTION_HOURS = 168;

  // 0 turns the in-process job off; the upper bound keeps the timer within what setTimeout accepts (24.8 days).
  @Transform(toInt) @IsInt() @Min(0) @Max(2_000_000)
  HOUSEKEEPING_INTERVAL_SECONDS = 3600;

  @IsString()
  REGISTRY_TIME_ZONE = 'Asia/Shanghai';

  @IsIn(['debug', 'info', 'warn', 'error', 'silent'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info';
}

export type LogLevel = EnvironmentVariables['LOG_LEVEL'];

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset: the registry runs on an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  db: { poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  runMigrations: boolean;
  /** `authCacheSeconds`: how long a verified credential is served from memory (revocations in this process clear it). */
  jwt: { secret?: string; issuer: string; audience: string; accessTtlSeconds: number; refreshTtlSeconds: number; authCacheSeconds: number };
  admin: { email?: string; password?: string };
  /** Limits of one operation, all checked before it runs (see src/common/operation-limits.ts). */
  graphql: {
    introspection: boolean;
    maxDepth: number;
    maxRootFields: number;
    maxCost: number;
    maxPageSize: number;
    maxTokens: number;
    maxSelections: number;
  };
  loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowSeconds: number };
  /** Removal of expiring rows; `intervalSeconds` 0: no in-process job (run `npm run housekeeping` instead). */
  housekeeping: { idempotencyKeyRetentionHours: number; intervalSeconds: number };
  /** IANA zone whose calendar decides "today" (balances, loan status, future-dated events). */
  timeZone: string;
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

/**
 * Validates the environment; throws a ConfigError naming every bad variable. Command-line tools that never sign
 * tokens pass `forServer: false`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { forServer = true } = {}): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, 'DATABASE_URL', 'JWT_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'GRAPHQL_INTROSPECTION']) {
    if (env[key] !== undefined) raw[key] = env[key];
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const production = vars.NODE_ENV === 'production';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: vars.REGISTRY_TIME_ZONE });
  } catch {
    throw new ConfigError(`Invalid configuration:\n  REGISTRY_TIME_ZONE: "${vars.REGISTRY_TIME_ZONE}" is not an IANA time zone`);
  }
  // A shared database means a deployment that others reach: it must have its own signing secret.
  if (forServer && !vars.JWT_SECRET && (production || vars.DATABASE_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET is required when DATABASE_URL is set or NODE_ENV=production (at least 32 random characters).',
    );
  }
  if (production && !vars.DATABASE_URL) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_URL is required when NODE_ENV=production; the embedded database is for local use.');
  }
  return {
    nodeEnv: vars.NODE_ENV,
    port: vars.PORT,
    host: vars.HOST,
    databaseUrl: vars.DATABASE_URL,
    dataDir: vars.DATA_DIR,
    db: {
      poolMax: vars.DB_POOL_MAX,
      connectTimeoutMs: vars.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: vars.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: vars.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    runMigrations: vars.MIGRATIONS_RUN,
    jwt: {
      secret: vars.JWT_SECRET,
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      accessTtlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: vars.REFRESH_TOKEN_TTL_SECONDS,
      authCacheSeconds: vars.AUTH_CACHE_SECONDS,
    },
    admin: { email: vars.ADMIN_EMAIL?.toLowerCase(), password: vars.ADMIN_PASSWORD },
    // Introspection serves local exploration; a deployment (a shared database, or production) turns it on explicitly.
    graphql: {
      introspection: vars.GRAPHQL_INTROSPECTION ?? !(production || vars.DATABASE_URL),
      maxDepth: vars.GRAPHQL_MAX_DEPTH,
      maxRootFields: vars.GRAPHQL_MAX_ROOT_FIELDS,
      maxCost: vars.GRAPHQL_MAX_COST,
      maxPageSize: vars.GRAPHQL_MAX_PAGE_SIZE,
      maxTokens: vars.GRAPHQL_MAX_TOKENS,
      maxSelections: vars.GRAPHQL_MAX_SELECTIONS,
    },
    loginThrottle: {
      maxFailuresPerAccount: vars.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: vars.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: vars.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    housekeeping: {
      idempotencyKeyRetentionHours: vars.IDEMPOTENCY_KEY_RETENTION_HOURS,
      intervalSeconds: vars.HOUSEKEEPING_INTERVAL_SECONDS,
    },
    timeZone: vars.REGISTRY_TIME_ZONE,
    logLevel: vars.LOG_LEVEL,
  };
}
