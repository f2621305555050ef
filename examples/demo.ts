// `npm run demo`: the package's demo on an embedded database. `-- --database-url <url>` for a server.
import { runDemo } from '../src/demo.js';

const i = process.argv.indexOf('--database-url');
const databaseUrl = i > 0 ? process.argv[i + 1] : undefined;
try {
  await runDemo(databaseUrl ? { databaseUrl } : {});
} catch (err) {
  // one line: what failed and why (ConnectionError names host, port and database)
  console.error(`demo failed: ${err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)}`);
  process.exitCode = 1;
}
