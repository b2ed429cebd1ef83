import { buildSchema, parse, validate } from 'graphql';
import { depthLimitRule } from './depth-limit.js';

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
