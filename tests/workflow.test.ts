/**
 * The GitHub Actions workflow services copy: it parses, runs what the issue asks for, and
 * every command it names exists here (no runner here to execute it; .ci/run runs the same
 * steps on this machine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const wf = parse(readFileSync(join(ROOT, '.github/workflows/schema.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    { services: Record<string, { image: string }>; steps: { name?: string; run?: string; if?: string }[] }
  >;
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const cli = readFileSync(join(ROOT, 'src/cli/index.ts'), 'utf8');

describe('GitHub Actions workflow', () => {
  const job = wf.jobs.schema!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');

  it('runs on pushes and pull requests against PostgreSQL 15 with pgvector', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(job.services.postgres!.image).toMatch(/pgvector.*pg15/);
  });

  it('checks, pushes with the companion twice, tests, reviews and comments', () => {
    expect(runs).toContain('npx drizzle-kit check');
    expect(runs).toMatch(/drizzle-kit generate[\s\S]*git diff --exit-code -- drizzle/);
    expect(runs).toMatch(/push-extras --phase pre[\s\S]*drizzle-kit push --force[\s\S]*push-extras --phase post/);
    expect(runs).toContain('npm test');
    expect(runs).toMatch(/review --base "origin\/\$\{\{ github\.base_ref \}\}" --out review\.md/);
    const comment = job.steps.find((s) => s.run?.includes('gh pr comment'));
    expect(comment?.if).toContain("github.event_name == 'pull_request'");
  });

  it('names only scripts and commands that exist', () => {
    for (const m of runs.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(m[1]);
    for (const m of runs.matchAll(/cli -- ([\w:-]+)/g)) expect(cli).toContain(`.command('${m[1]}')`);
  });
});
