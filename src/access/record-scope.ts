/**
 * A visibility rule written once, as data, and read two ways: as a SQL condition that narrows a list, and as a check
 * on a row already loaded (a single read, a nested field). Both come from the same terms, so they cannot drift apart.
 *
 * A rule is ALL, NONE, or one field of the row that must take one of a set of values. Every record kind names the
 * fields its rules may use (property on the loaded row, column in SQL) in a `ScopeFields` map.
 */
export interface ScopeField {
  /** The SQL column, unqualified. */
  column: string;
  /** The property on the row the service loaded (an entity or a model). */
  property: string;
}

export type ScopeFields<F extends string> = Record<F, ScopeField>;

type Term<F extends string> = { kind: 'ALL' } | { kind: 'NONE' } | { kind: 'IN'; field: F; values: readonly string[] };

/** Binds a parameter and returns its placeholder (`:name` for the query builder, `$n` for raw SQL). */
export type Bind = (value: readonly string[]) => string;

export class RecordScope<F extends string> {
  private constructor(
    private readonly fields: ScopeFields<F>,
    private readonly term: Term<F>,
  ) {}

  static all<F extends string>(fields: ScopeFields<F>): RecordScope<F> {
    return new RecordScope(fields, { kind: 'ALL' });
  }

  static none<F extends string>(fields: ScopeFields<F>): RecordScope<F> {
    return new RecordScope(fields, { kind: 'NONE' });
  }

  /** Rows whose `field` is one of `values`. */
  static where<F extends string>(fields: ScopeFields<F>, field: NoInfer<F>, values: readonly string[]): RecordScope<F> {
    return new RecordScope(fields, { kind: 'IN', field, values: [...values] });
  }

  get seesAll(): boolean {
    return this.term.kind === 'ALL';
  }

  /** The condition on `alias`'s columns; `bind` supplies placeholders. */
  sql(alias: string, bind: Bind): string {
    const t = this.term;
    if (t.kind === 'ALL') return 'true';
    if (t.kind === 'NONE') return 'false';
    return `${alias}.${this.fields[t.field].column} = ANY(${bind(t.values)})`;
  }

  /** The same condition on a loaded row. */
  allows(row: object): boolean {
    const t = this.term;
    if (t.kind === 'ALL') return true;
    if (t.kind === 'NONE') return false;
    const value = (row as Record<string, unknown>)[this.fields[t.field].property];
    return typeof value === 'string' && t.values.includes(value);
  }

  /** Narrows a TypeORM query builder. */
  applyTo<Q extends { andWhere(sql: string, params?: Record<string, unknown>): unknown }>(qb: Q, alias: string): Q {
    const params: Record<string, unknown> = {};
    const sql = this.sql(alias, (values) => {
      const name = `scope_${Object.keys(params).length}`;
      params[name] = values;
      return `:${name}`;
    });
    qb.andWhere(sql, params);
    return qb;
  }

  /** The condition for raw SQL with positional parameters: values are appended to `params`. */
  positional(alias: string, params: unknown[]): string {
    return this.sql(alias, (values) => {
      params.push(values);
      return `$${params.length}`;
    });
  }
}
