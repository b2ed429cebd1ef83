import { buildSchema, parse, validate } from 'graphql';
import { depthLimitRule, operationShapeRule } from './depth-limit.js';

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
