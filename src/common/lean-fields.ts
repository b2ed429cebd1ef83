import { Injectable, Module, SetMetadata, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { isObjectType, type GraphQLFieldResolver } from 'graphql';
import { ctxFactory, requestContextOf, type AuthenticatedRequest } from './context.decorators.js';

const LEAN_FIELD = 'registry:lean-field';
// Nest's own metadata keys: the parameter list of a handler, and the field name a @ResolveField gives.
const ROUTE_ARGS = '__routeArguments__';
const RESOLVER_NAME = 'graphql:resolver_name';
const CUSTOM_ARG = '__customRouteArgs__';
// @nestjs/graphql's parameter kinds: the parent object, the arguments, the GraphQL context, the resolve info.
const ROOT = '0';
const CONTEXT = '1';
const INFO = '2';
const ARGS = '3';

/**
 * Marks a `@ResolveField` of GraphQL type `typeName` to be called directly, not through Nest's per-call pipeline
 * (guards, pipes, interceptors and filters, none of which field resolvers here use). On a list of fifty rows that
 * pipeline cost more than the fields themselves. The method keeps its usual signature: `@Ctx()` (the request context),
 * `@Parent()`, and `@Args(...)` without pipes; anything else is refused at start-up.
 */
export const LeanField = (typeName: string) => SetMetadata(LEAN_FIELD, typeName);

type Param = { kind: 'ctx' } | { kind: 'parent' } | { kind: 'args'; name?: string } | { kind: 'context' } | { kind: 'info' };

/** Installs the lean resolvers on the built schema, once every module has started. */
@Injectable()
export class LeanFieldInstaller implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const schema = this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of Object.getOwnPropertyNames(prototype)) {
        // Descriptors, not property reads: a getter on some provider's prototype must not run here.
        const method: unknown = Object.getOwnPropertyDescriptor(prototype, methodName)?.value;
        if (typeof method !== 'function') continue;
        const typeName = Reflect.getMetadata(LEAN_FIELD, method) as string | undefined;
        if (!typeName) continue;
        const fieldName = (Reflect.getMetadata(RESOLVER_NAME, method) as string | undefined) ?? methodName;
        const type = schema.getType(typeName);
        const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
        if (!field) throw new Error(`@LeanField: ${typeName}.${fieldName} is not in the schema`);
        field.resolve = leanResolver(instance, methodName, paramsOf(instance.constructor, methodName));
      }
    }
  }
}

function paramsOf(target: unknown, methodName: string): Param[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS, target as object, methodName) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[]; factory?: unknown }>;
  const params: Param[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    const where = `${(target as { name?: string }).name}.${methodName} parameter ${value.index}`;
    if (value.pipes?.length) throw new Error(`@LeanField: ${where} has pipes; keep that field on Nest's pipeline`);
    const kind = key.split(':')[0];
    if (key.includes(CUSTOM_ARG)) {
      if (value.factory !== ctxFactory) throw new Error(`@LeanField: ${where} is a custom decorator other than @Ctx()`);
      params[value.index] = { kind: 'ctx' };
    }
    else if (kind === ROOT) params[value.index] = { kind: 'parent' };
    else if (kind === ARGS) params[value.index] = { kind: 'args', name: typeof value.data === 'string' ? value.data : undefined };
    else if (kind === CONTEXT) params[value.index] = { kind: 'context' };
    else if (kind === INFO) params[value.index] = { kind: 'info' };
    else throw new Error(`@LeanField: ${where} is of a kind it does not know`);
  }
  return params;
}

function leanResolver(instance: Record<string, unknown>, methodName: string, params: Param[]): GraphQLFieldResolver<unknown, { req: AuthenticatedRequest }> {
  const method = instance[methodName] as (...args: unknown[]) => unknown;
  return (parent, args, context, info) =>
    method.apply(
      instance,
      params.map((p) => {
        switch (p.kind) {
          case 'ctx':
            return requestContextOf(context.req);
          case 'parent':
            return parent;
          case 'args':
            return p.name ? args[p.name] : args;
          case 'context':
            return context;
          case 'info':
            return info;
        }
      }),
    );
}

@Module({ imports: [DiscoveryModule], providers: [LeanFieldInstaller] })
export class LeanFieldsModule {}
