/** Injection tokens for values resolved before the application module is built. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const JWT_SIGNING_SECRET = Symbol('JWT_SIGNING_SECRET');
