import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cliFail, openStandaloneDataSource } from '../database/standalone.js';
import { runMutation } from '../mutation/mutation.js';
import { loadTaxonomy } from '../reference/taxonomy-loader.js';

const USAGE = 'usage: npm run reference:load -- --taxonomy FILE.csv [--crosswalk FILE.csv] [--source "what this revision is"]';

/** Loads a revised taxonomy (and crosswalk) into the registry: new codes are added, names updated, nothing deleted. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { taxonomy: { type: 'string' }, crosswalk: { type: 'string' }, source: { type: 'string' } },
    strict: true,
  });
  if (!values.taxonomy) throw new Error(USAGE);
  const taxonomyCsv = readFileSync(values.taxonomy, 'utf8');
  const crosswalkCsv = values.crosswalk ? readFileSync(values.crosswalk, 'utf8') : null;
  const source = values.source ?? `loaded from ${values.taxonomy} on ${new Date().toISOString().slice(0, 10)}`;
  const { dataSource, close } = await openStandaloneDataSource();
  try {
    const result = await runMutation(dataSource, { actor: null, requestId: 'cli' }, {
      operation: 'reference.taxonomyLoad',
      work: async (m) => {
        const r = await loadTaxonomy((sql, params) => m.query(sql, params), taxonomyCsv, crosswalkCsv, source);
        return { result: r, audit: { action: 'reference.taxonomyLoad', entityType: 'TaxonomyCatalogue', entityId: null, after: { source, ...r } } };
      },
    });
    process.stdout.write(`categories upserted: ${result.categories}\nmappings upserted: ${result.mappings}\n`);
    for (const s of result.skippedMappings) process.stdout.write(`mapping skipped (category not in the catalogue): ${s}\n`);
  } finally {
    await close();
  }
}

main().catch(cliFail);
