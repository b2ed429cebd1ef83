import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { AppError, ErrorCode } from '../common/errors.js';

/**
 * Slows password guessing: after too many failed logins for one account, or from one client address, within the
 * window, further attempts answer RATE_LIMITED without checking a password. Counts live in this process (one
 * instance; a fleet behind a load balancer would share them in the database or a cache).
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  assertAllowed(email: string, clientAddress: string, now = Date.now()): void {
    const { maxFailuresPerAccount, maxFailuresPerAddress, windowSeconds } = this.config.loginThrottle;
    const account = this.recent(`account:${email}`, now);
    const address = this.recent(`address:${clientAddress}`, now);
    if (account.length >= maxFailuresPerAccount || address.length >= maxFailuresPerAddress) {
      const oldest = Math.min(...(account.length >= maxFailuresPerAccount ? account : address));
      const retryAfter = Math.max(1, Math.ceil((oldest + windowSeconds * 1000 - now) / 1000));
      throw new AppError(ErrorCode.RATE_LIMITED, `Too many failed logins; try again in ${retryAfter} seconds`);
    }
  }

  recordFailure(email: string, clientAddress: string, now = Date.now()): void {
    for (const key of [`account:${email}`, `address:${clientAddress}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 50_000) this.prune(now);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`account:${email}`);
  }

  private recent(key: string, now: number): number[] {
    const cutoff = now - this.config.loginThrottle.windowSeconds * 1000;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) {
      const list = this.recent(key, now);
      if (list.length) this.failures.set(key, list);
      else this.failures.delete(key);
    }
  }
}
