// The peer for `npm run bench:read`: PostGraphile 4 over the benchmark's database, in a process of its own, with the
// settings a team would deploy (no query log, no GraphiQL, no default mutations, no watching).
//   DATABASE_URL=… PORT=… node bench/support/postgraphile-server.mjs
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';

const server = createServer(
  postgraphile(process.env.DATABASE_URL, 'public', {
    graphqlRoute: '/graphql',
    graphiql: false,
    disableQueryLog: true,
    disableDefaultMutations: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    retryOnInitFail: false,
    extendedErrors: [],
  }),
);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
