// `npm run demo`: the package's demo on an embedded database. `-- --database-url <url>` for a server.
import { runDemo } from '../src/demo.js';

const i = process.argv.indexOf('--database-url');
const databaseUrl = i > 0 ? process.argv[i + 1] : undefined;
await runDemo(databaseUrl ? { databaseUrl } : {});
