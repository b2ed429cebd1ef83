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
