// House rule for the web app: no type assertions (`as X`, `as const`, `<X>value`) and no `any`.
// Narrow `unknown` with type guards instead. Generated src/api/schema.d.ts is exempt.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['src', 'e2e'];
const rules = [
  { name: 'type assertion', pattern: /\)\s+as\s+[A-Za-z{[(]|\w\s+as\s+(const|unknown|any|[A-Z]\w*)\b/ },
  { name: 'any', pattern: /(:\s*any\b|<any>|\bany\[\]|as any\b)/ },
];

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

const problems = [];
for (const root of roots) {
  for (const file of files(root)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*(\*|\/\*)/.test(code)) return;
        for (const rule of rules) {
          if (rule.pattern.test(code)) problems.push(`${file}:${index + 1}: ${rule.name}: ${line.trim()}`);
        }
      });
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log('No type assertions and no any.');
}
