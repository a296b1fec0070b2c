#!/usr/bin/env node
// GraphQL Code Generator against the live gateway:
//
//   node web/e2e/codegen.mjs <url>
//
// Runs @graphql-codegen/cli (programmatic generate, the same code path as `graphql-codegen`)
// with schema = <url>graphql (introspection) and the `typescript` plugin, into a temp dir,
// once with defaults and once mapping the custom scalars; checks that types for the
// schema's records are generated and that the mapped scalars are not any/unknown.
// Prints one JSON line {"ok":true,"bytes":N,"defaultScalars":{…}} or {"ok":false,"reason":"..."}.
// Needs: Node 20+, web/build.sh run (@graphql-codegen/cli, @graphql-codegen/typescript).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';

const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: node web/e2e/codegen.mjs <url>');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'crmgraph-codegen-'));

function finish(ok, payload) {
  rmSync(dir, { recursive: true, force: true });
  const line = ok ? { ok: true, ...payload } : { ok: false, reason: String(payload) };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (!ok) process.stderr.write(`codegen check failed: ${line.reason}\n`);
  process.exit(ok ? 0 : 1);
}

const SCALARS = ['DateTime', 'Date', 'Decimal', 'JSON'];

// The input/output type codegen wrote for scalar name in `Scalars`.
function scalarType(ts, name) {
  const m = ts.match(new RegExp(`\\b${name}: \\{ input: ([^;]+); output: ([^;]+); \\}`));
  return m ? { input: m[1].trim(), output: m[2].trim() } : null;
}

async function main() {
  const schema = new URL('graphql', base.endsWith('/') ? base : base + '/').href;
  const plain = join(dir, 'plain.ts');
  const mapped = join(dir, 'mapped.ts');
  await generate(
    {
      schema,
      silent: true,
      // Resolve plugins from web/node_modules (next to this script), not from the caller's cwd.
      pluginLoader: (name) => import(name),
      errorsOnly: true,
      generates: {
        [plain]: { plugins: ['typescript'] },
        [mapped]: {
          plugins: ['typescript'],
          config: {
            strictScalars: true,
            scalars: { DateTime: 'string', Date: 'string', Decimal: 'string', JSON: 'unknown' },
          },
        },
      },
    },
    true,
  );
  const ts = readFileSync(plain, 'utf8');
  for (const type of ['Account', 'Contact', 'Opportunity', 'Order', 'Lead', 'ChangeRequest', 'PageInfo', 'AccountConnection', 'Query', 'Mutation']) {
    if (!new RegExp(`export type ${type} = (\\w+ & )*\\{`).test(ts)) return finish(false, `no type ${type} in the generated file`);
  }
  if (!/export type Node = \{/.test(ts)) return finish(false, 'no Node interface type');
  const defaultScalars = {};
  for (const s of SCALARS) {
    const t = scalarType(ts, s);
    if (!t) return finish(false, `scalar ${s} missing from Scalars`);
    defaultScalars[s] = t.output;
  }
  const tsm = readFileSync(mapped, 'utf8');
  for (const s of SCALARS.filter((s) => s !== 'JSON')) {
    const t = scalarType(tsm, s);
    if (!t || t.output !== 'string' || t.input !== 'string') return finish(false, `mapped scalar ${s}: ${JSON.stringify(t)}`);
  }
  finish(true, { bytes: ts.length, defaultScalars });
}

main().catch((e) => finish(false, e?.stack ?? e));
