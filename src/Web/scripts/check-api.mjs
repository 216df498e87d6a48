// Fails when src/api/schema.d.ts is stale against the checked-in snapshot docs/openapi/v1.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'orbit-api-'));
const fresh = join(dir, 'schema.d.ts');
try {
  execFileSync('npx', ['openapi-typescript', '../../docs/openapi/v1.json', '-o', fresh], { stdio: 'ignore' });
  const expected = readFileSync(fresh, 'utf8');
  const actual = readFileSync('src/api/schema.d.ts', 'utf8');
  if (expected !== actual) {
    console.error('src/api/schema.d.ts is stale against docs/openapi/v1.json: run `npm run generate:api` and commit it.');
    try {
      execFileSync('diff', ['-u', 'src/api/schema.d.ts', fresh], { stdio: 'inherit' });
    } catch {
      // diff exits 1 when the files differ; its output is the point.
    }
    process.exitCode = 1;
  } else {
    console.log('src/api/schema.d.ts matches docs/openapi/v1.json');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
