import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Rejects operations nested deeper than `maxDepth` fields (fragments followed), before anything runs. */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let max = 0;
      for (const sel of set.selections) {
        let d = 0;
        if (sel.kind === Kind.FIELD) d = sel.name.value.startsWith('__') ? 0 : 1 + depthOf(sel.selectionSet, seen);
        else if (sel.kind === Kind.INLINE_FRAGMENT) d = depthOf(sel.selectionSet, seen);
        else if (!seen.has(sel.name.value)) {
          const frag = fragments.get(sel.name.value);
          d = depthOf(frag?.selectionSet, new Set([...seen, sel.name.value]));
        }
        max = Math.max(max, d);
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`Query is nested ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [node] }));
        }
      },
    };
  };
}

/** Operations that must stand alone: each runs a deliberately slow password or token check. */
const SOLITARY_FIELDS = new Set(['login', 'refreshToken']);

/**
 * Caps the root fields (aliases included) of one operation, so one request cannot multiply work, and requires
 * `login` and `refreshToken` to be the only field of their operation (no guessing many passwords per request).
 */
export function operationShapeRule(maxRootFields: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    // Root fields with fragments expanded, so a fragment cannot hide a hundred aliases.
    const rootFields = (set: SelectionSetNode, seen: Set<string>): string[] =>
      set.selections.flatMap((sel) => {
        if (sel.kind === Kind.FIELD) return [sel.name.value];
        if (sel.kind === Kind.INLINE_FRAGMENT) return rootFields(sel.selectionSet, seen);
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(sel.name.value)) return [];
        return rootFields(frag.selectionSet, new Set([...seen, sel.name.value]));
      });
    return {
      OperationDefinition(node) {
        const roots = rootFields(node.selectionSet, new Set());
        if (roots.length > maxRootFields) {
          context.reportError(new GraphQLError(`An operation may have at most ${maxRootFields} root fields`, { nodes: [node] }));
        }
        if (roots.some((f) => SOLITARY_FIELDS.has(f)) && roots.length > 1) {
          context.reportError(new GraphQLError('login and refreshToken must be the only field of their operation', { nodes: [node] }));
        }
      },
    };
  };
}
