import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { depthLimitRule, operationCost, operationShapeRule, widestSelectionSet } from './operation-limits.js';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
`);

function errors(query: string, max: number) {
  return validate(schema, parse(query), [depthLimitRule(max)]).map((e) => e.message);
}

describe('depthLimitRule', () => {
  it('accepts an operation at the limit', () => {
    expect(errors(`{ node { child { id } } }`, 3)).toEqual([]);
  });

  it('rejects an operation one level deeper', () => {
    expect(errors(`{ node { child { child { id } } } }`, 3)).toEqual(['Query is nested 4 levels deep; at most 3 are allowed']);
  });

  it('follows named and inline fragments', () => {
    const q = `
      query { node { ...A } }
      fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { child { id } }`;
    expect(errors(q, 5)).toEqual([]);
    expect(errors(q, 4)).toHaveLength(1);
  });

  it('does not count introspection meta-fields', () => {
    expect(errors(`{ node { __typename id } }`, 2)).toEqual([]);
  });
});

describe('operationShapeRule', () => {
  const authSchema = buildSchema(`
    type Query { me: String }
    type Mutation { login(p: String): String refreshToken(t: String): String other: String }
  `);
  const check = (q: string, max = 3) => validate(authSchema, parse(q), [operationShapeRule(max)]).map((e) => e.message);

  it('caps root fields, counting aliases and fragments', () => {
    expect(check(`{ a: me b: me c: me }`)).toEqual([]);
    expect(check(`{ a: me b: me c: me d: me }`)).toEqual(['An operation may have at most 3 root fields']);
    expect(check(`query { ...F ...F2 } fragment F on Query { a: me b: me } fragment F2 on Query { c: me d: me }`)).toHaveLength(1);
  });

  it('keeps login and refreshToken alone in their operation', () => {
    expect(check(`mutation { login(p: "x") }`)).toEqual([]);
    expect(check(`mutation { a: login(p: "x") b: login(p: "y") }`)).toEqual(['login and refreshToken must be the only field of their operation']);
    expect(check(`mutation { ... on Mutation { a: login(p: "x") } other }`)).toEqual(['login and refreshToken must be the only field of their operation']);
  });
});

describe('linear work on hostile documents', () => {
  // Each fragment spreads the one before it twice: expanded, the document would be 2^20 selections.
  function fanOut(levels: number): string {
    const parts = ['fragment F0 on Node { id name }'];
    for (let i = 1; i <= levels; i++) parts.push(`fragment F${i} on Node { child { ...F${i - 1} ...F${i - 1} } }`);
    return `query { node { ...F${levels} } } ${parts.join(' ')}`;
  }
  const deepSchema = buildSchema(`
    type Node { id: ID! child: Node name: String children(first: Int = 20): [Node!]! }
    type Query { node: Node nodes(first: Int): [Node!]! }
  `);

  it('reads each fragment of the 20-level fan-out once (about 1.2 KB)', () => {
    const doc = fanOut(20);
    expect(doc.length).toBeGreaterThan(1000);
    expect(doc.length).toBeLessThan(1500);
    const depthStats = { visited: 0 };
    const shapeStats = { visited: 0 };
    validate(deepSchema, parse(doc), [depthLimitRule(100, depthStats), operationShapeRule(20, shapeStats)]);
    // 21 fragments of at most 2 selections each, plus the operation: a few dozen reads, not millions.
    expect(depthStats.visited).toBeLessThan(100);
    expect(shapeStats.visited).toBeLessThan(10);
    const costStats = { visited: 0 };
    const document = parse(doc);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const { cost } = operationCost(deepSchema, document, operation, {}, { maxCost: 1e12, maxPageSize: 100, defaultPageSize: 20 }, costStats);
    expect(costStats.visited).toBeLessThan(100);
    // The cost itself is what the expanded document would do: 2^20 leaves and more.
    expect(cost).toBeGreaterThan(2 ** 20);
  });

  it('measures the widest selection set, for the check made before validation', () => {
    const wide = `{ node { ${Array.from({ length: 300 }, () => 'id').join(' ')} } }`;
    expect(widestSelectionSet(parse(wide))).toBe(300);
    expect(widestSelectionSet(parse(`{ node { id child { id name } } }`))).toBe(2);
  });

  it('refuses 48,000 repeated fields at parsing, under the token cap', () => {
    const huge = `{ node { ${Array.from({ length: 48_000 }, () => 'id').join(' ')} } }`;
    expect(() => parse(huge, { maxTokens: 5000 })).toThrow(/more th[ae]t 5000 tokens/);
  });
});

describe('operationCost', () => {
  const costSchema = buildSchema(`
    type Item { id: ID! name: String items(first: Int = 20, after: String): ItemConnection! tags: [String!]! }
    type ItemEdge { cursor: String! node: Item! }
    type ItemConnection { edges: [ItemEdge!]! totalCount: Int! }
    type Query { items(first: Int = 20, after: String): ItemConnection! item(id: ID!): Item }
  `);
  const limits = { maxCost: 25_000, maxPageSize: 100, defaultPageSize: 20 };
  const costOf = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
    return operationCost(costSchema, document, operation, variables, limits);
  };

  it('counts a field 1 and multiplies a list by its first, connections by the connection only', () => {
    // 1 (items) + 50 × (edges 1 + node 1 + id 1 + name 1)
    expect(costOf(`{ items(first: 50) { edges { node { id name } } } }`).cost).toBe(1 + 50 * 4);
    // A variable's value counts; the default page size when there is none.
    expect(costOf(`query($n: Int) { items(first: $n) { totalCount } }`, { n: 7 }).cost).toBe(1 + 7);
    expect(costOf(`{ items { totalCount } }`).cost).toBe(1 + 20);
    // A plain list without first: the default page size.
    expect(costOf(`{ item(id: "1") { tags } }`).cost).toBe(1 + 1);
    expect(costOf(`{ item(id: "1") { items(first: 3) { edges { node { tags } } } } }`).cost).toBe(1 + (1 + 3 * (1 + 1 + 1)));
  });

  it('counts aliases as separate fields and follows fragments', () => {
    const one = costOf(`{ items(first: 10) { edges { node { id } } } }`).cost;
    expect(costOf(`{ a: items(first: 10) { edges { node { id } } } b: items(first: 10) { edges { node { id } } } }`).cost).toBe(2 * one);
    expect(costOf(`{ ...Q } fragment Q on Query { items(first: 10) { edges { node { id } } } }`).cost).toBe(one);
  });

  it('refuses the 20-alias fan-out with first: 100 at each level, and a nested-alias variant', () => {
    const level = (depth: number): string => (depth === 0 ? 'id' : `items(first: 100) { edges { node { id ${level(depth - 1)} } } }`);
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: ${level(3)}`).join(' ');
    const fanOut = costOf(`{ ${aliases} }`);
    expect(fanOut.problems[0].message).toMatch(/too expensive/);
    const nested = costOf(`{ items(first: 10) { edges { node { ${Array.from({ length: 20 }, (_, i) => `x${i}: items(first: 100) { edges { node { id } } }`).join(' ')} } } } }`);
    expect(nested.cost).toBeGreaterThan(limits.maxCost);
    expect(nested.problems[0].message).toMatch(/too expensive/);
  });

  it('refuses a page larger than the maximum, naming the argument', () => {
    expect(costOf(`{ items(first: 101) { totalCount } }`).problems).toEqual([{ path: 'first', message: 'must be at most 100' }]);
    expect(costOf(`{ item(id: "1") { items(first: 500) { totalCount } } }`).problems[0]).toEqual({ path: 'items.first', message: 'must be at most 100' });
  });

  it('gives no discount to an operation named __schema, and none to introspection-looking aliases', () => {
    const big = `items(first: 100) { edges { node { items(first: 100) { edges { node { id name } } } } } }`;
    expect(costOf(`query __schema { ${big} }`).problems[0].message).toMatch(/too expensive/);
    expect(costOf(`{ __schema: ${big} }`).problems[0].message).toMatch(/too expensive/);
  });
});
