import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './app-config.js';
import { APP_CONFIG, JWT_SIGNING_SECRET } from './config.tokens.js';

/** The validated settings and the signing secret: the only module every other may inject without importing it. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, jwtSecret: string): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: config },
      { provide: JWT_SIGNING_SECRET, useValue: jwtSecret },
    ];
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
