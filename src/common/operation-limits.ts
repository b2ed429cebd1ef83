import {
  getNamedType,
  parse,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { AppError, ErrorCode } from './errors.js';

/*
 * What one GraphQL operation may cost, enforced before anything runs, with work linear in the document: every
 * fragment is summarised once and its summary reused at each spread (a fragment spread ten times in ten nested
 * fragments is read ten times, not 10^10). `stats.visited` counts the selections read, so tests can bound the work.
 */

export interface WalkStats {
  /** Selections (fields, spreads, inline fragments) read. */
  visited: number;
}

const fragmentsOf = (document: DocumentNode) => {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) out.set(def.name.value, def);
  return out;
};

/** Memoises a per-fragment summary; a fragment met again while being summarised (a cycle, refused by validation) counts as empty. */
function memoised<T>(compute: (fragment: FragmentDefinitionNode) => T, empty: T, fragments: Map<string, FragmentDefinitionNode>) {
  const done = new Map<string, T>();
  const open = new Set<string>();
  return (name: string): T => {
    const hit = done.get(name);
    if (hit !== undefined) return hit;
    const fragment = fragments.get(name);
    if (!fragment || open.has(name)) return empty;
    open.add(name);
    const value = compute(fragment);
    open.delete(name);
    done.set(name, value);
    return value;
  };
}

/** The deepest field nesting of a selection set (introspection meta-fields do not count), fragments followed once each. */
export function selectionDepth(document: DocumentNode, set: SelectionSetNode, stats: WalkStats = { visited: 0 }): number {
  const fragments = fragmentsOf(document);
  const depthOf = (s: SelectionSetNode | undefined): number => {
    if (!s) return 0;
    let max = 0;
    for (const sel of s.selections) {
      stats.visited++;
      let d = 0;
      if (sel.kind === Kind.FIELD) d = sel.name.value.startsWith('__') ? 0 : 1 + depthOf(sel.selectionSet);
      else if (sel.kind === Kind.INLINE_FRAGMENT) d = depthOf(sel.selectionSet);
      else d = fragmentDepth(sel.name.value);
      if (d > max) max = d;
    }
    return max;
  };
  const fragmentDepth = memoised((f) => depthOf(f.selectionSet), 0, fragments);
  return depthOf(set);
}

/** Rejects operations nested deeper than `maxDepth` fields, before anything runs. */
export function depthLimitRule(maxDepth: number, stats?: WalkStats) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const depth = selectionDepth(context.getDocument(), node.selectionSet, stats);
      if (depth > maxDepth) {
        context.reportError(new GraphQLError(`Query is nested ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [node] }));
      }
    },
  });
}

/** Operations that must stand alone: each runs a deliberately slow password or token check. */
const SOLITARY_FIELDS = new Set(['login', 'refreshToken']);

/**
 * Caps the root fields (aliases included, fragments expanded) of one operation, so one request cannot multiply work,
 * and requires `login` and `refreshToken` to be the only field of their operation (no guessing many passwords per
 * request).
 */
export function operationShapeRule(maxRootFields: number, stats: WalkStats = { visited: 0 }) {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = fragmentsOf(document);
    type Roots = { count: number; solitary: boolean };
    const rootsOf = (set: SelectionSetNode): Roots => {
      const out = { count: 0, solitary: false };
      for (const sel of set.selections) {
        stats.visited++;
        const r = sel.kind === Kind.FIELD ? { count: 1, solitary: SOLITARY_FIELDS.has(sel.name.value) } : sel.kind === Kind.INLINE_FRAGMENT ? rootsOf(sel.selectionSet) : fragmentRoots(sel.name.value);
        out.count += r.count;
        out.solitary ||= r.solitary;
      }
      return out;
    };
    const fragmentRoots = memoised((f) => rootsOf(f.selectionSet), { count: 0, solitary: false }, fragments);
    return {
      OperationDefinition(node) {
        const roots = rootsOf(node.selectionSet);
        if (roots.count > maxRootFields) {
          context.reportError(new GraphQLError(`An operation may have at most ${maxRootFields} root fields`, { nodes: [node] }));
        }
        if (roots.solitary && roots.count > 1) {
          context.reportError(new GraphQLError('login and refreshToken must be the only field of their operation', { nodes: [node] }));
        }
      },
    };
  };
}

/**
 * The most selections any one selection set of the document has. Checked right after parsing, before validation:
 * the standard overlapping-fields rule compares the fields of one selection set pairwise, so it must never see one
 * of thousands.
 */
export function widestSelectionSet(document: DocumentNode): number {
  let widest = 0;
  const visit = (set: SelectionSetNode | undefined) => {
    if (!set) return;
    if (set.selections.length > widest) widest = set.selections.length;
    for (const sel of set.selections) if (sel.kind !== Kind.FRAGMENT_SPREAD) visit(sel.selectionSet);
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) visit(def.selectionSet);
  }
  return widest;
}

export interface CostLimits {
  /** Most cost units one operation may have. */
  maxCost: number;
  /** Largest `first` a list may ask for. */
  maxPageSize: number;
  /** What a list without `first` is taken to return. */
  defaultPageSize: number;
}

export interface CostProblem {
  path: string;
  message: string;
}

/**
 * The cost of an operation with its variables: every field costs 1, and a list multiplies the cost of what is selected
 * under it by its `first` (the default page size when it has none; a connection's `edges` are counted by the
 * connection's `first`). Aliases count as separate fields. Introspection meta-fields are free (they reach no data).
 * A `first` above the maximum page size is a problem of its own.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: CostLimits,
  stats: WalkStats = { visited: 0 },
): { cost: number; problems: CostProblem[] } {
  const fragments = fragmentsOf(document);
  const problems: CostProblem[] = [];
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const firstOf = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLNamedType): number | null => {
    const arg = field.args.find((a) => a.name === 'first');
    if (!arg) return null;
    const given = node.arguments?.find((a) => a.name.value === 'first');
    const value = given ? literal(given.value, variables) : undefined;
    const n = typeof value === 'number' ? value : typeof arg.defaultValue === 'number' ? arg.defaultValue : limits.defaultPageSize;
    // Named as the argument (`first`) on a root field, as class-validator names it; below the root, by its field too.
    const path = parent === root ? 'first' : `${node.alias?.value ?? node.name.value}.first`;
    if (n > limits.maxPageSize) problems.push({ path, message: `must be at most ${limits.maxPageSize}` });
    return Math.max(n, 0);
  };
  const costOf = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): number => {
    if (!set || !parent) return 0;
    let total = 0;
    for (const sel of set.selections) {
      stats.visited++;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
        if (!field) continue; // unknown fields are validation's to refuse
        const below = costOf(sel.selectionSet, getNamedType(field.type));
        const first = firstOf(sel, field, parent);
        const list = isListType(getNullableType(field.type));
        const times = first ?? (list && !parent.name.endsWith('Connection') ? limits.defaultPageSize : 1);
        total += 1 + times * below;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += costOf(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent);
      } else {
        total += fragmentCost(sel.name.value);
      }
    }
    return total;
  };
  const fragmentCost = memoised((f) => costOf(f.selectionSet, schema.getType(f.typeCondition.name.value)), 0, fragments);
  const cost = costOf(operation.selectionSet, root ?? undefined);
  if (cost > limits.maxCost) {
    problems.unshift({ path: operation.name?.value ?? 'operation', message: `is too expensive: it would cost ${cost} units, at most ${limits.maxCost} are allowed (ask for smaller pages or fewer nested lists)` });
  }
  return { cost, problems };
}

/** An argument's value where it is a plain number, a variable holding one, or absent. */
function literal(value: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) return variables?.[value.name.value];
  return undefined;
}

/** The refusal for an operation over its limits: BAD_USER_INPUT naming each problem, with HTTP 400. */
export function tooExpensive(problems: CostProblem[]): GraphQLError {
  const error = AppError.badInput(problems, problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return new GraphQLError(error.message, { originalError: error, extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

export interface OperationLimits extends CostLimits {
  /** Most selections in one selection set. */
  maxSelections: number;
}

/**
 * The cost check as a server plugin, once the operation and its variables are known (before execution, so before
 * any SQL). Parsing is bounded by the server's `maxTokens`, the width of selection sets by `wideSelectionGate` (before
 * the server validates) and validation by the rules above.
 */
export function operationLimitsPlugin(limits: OperationLimits) {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc: { schema: GraphQLSchema; document: DocumentNode; operation?: OperationDefinitionNode; request: { variables?: Record<string, unknown> } }) {
          if (!rc.operation) return;
          const { problems } = operationCost(rc.schema, rc.document, rc.operation, rc.request.variables, limits);
          if (problems.length) throw tooExpensive(problems);
        },
      };
    },
  };
}

/**
 * An HTTP middleware for the GraphQL route that refuses, before the GraphQL server parses and validates it, a document
 * with a selection set wider than `maxSelections`. It parses with the same token cap and remembers the width of the
 * documents it has seen (clients send the same few), so a repeated query costs a map look-up.
 */
export function wideSelectionGate(options: { maxSelections: number; maxTokens: number }) {
  const widths = new Map<string, number>();
  const REMEMBERED = 1000;
  return (req: { method: string; body?: unknown; query?: unknown }, res: GateResponse, next: () => void) => {
    const source = req.method === 'GET' ? (req.query as { query?: unknown } | undefined)?.query : (req.body as { query?: unknown } | undefined)?.query;
    if (typeof source !== 'string') return next();
    let widest = widths.get(source);
    if (widest === undefined) {
      try {
        widest = widestSelectionSet(parse(source, { maxTokens: options.maxTokens, noLocation: true }));
      } catch {
        return next(); // a syntax error, or too many tokens: the GraphQL server answers it
      }
      if (widths.size >= REMEMBERED) widths.delete(widths.keys().next().value!);
      widths.set(source, widest);
    }
    if (widest <= options.maxSelections) return next();
    const message = `query: has a selection set of ${widest} fields; at most ${options.maxSelections} are allowed`;
    res.status(400).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ path: 'query', message: message.slice(7) }] } }] });
  };
}

interface GateResponse {
  status(code: number): { json(body: unknown): void };
}
