import DataLoader from 'dataloader';

/**
 * Per-request batching: nested fields (a project's enterprise, an enterprise's projects) ask a loader, which gathers
 * the keys of one tick into one query. Lives on the request, so nothing is shared between callers.
 */
export type RequestCache = Map<string, DataLoader<unknown, unknown>>;

export function newRequestCache(): RequestCache {
  return new Map();
}

export function loaderFor<K, V>(
  cache: RequestCache,
  name: string,
  batch: (keys: readonly K[]) => Promise<Map<K, V>>,
  missing: V,
): DataLoader<K, V> {
  let loader = cache.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(async (keys) => {
      const found = await batch(keys);
      return keys.map((k) => (found.has(k) ? found.get(k)! : missing));
    });
    cache.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Groups rows by a key, for one-to-many loaders. */
export function groupBy<K, V>(rows: V[], key: (row: V) => K): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
