#!/usr/bin/env node
// relay-compiler and relay-runtime against the live gateway:
//
//   node web/e2e/relay.mjs <url>
//
// 1. Fetches the schema by introspection from <url>graphql and prints it as SDL (graphql's
//    buildClientSchema + printSchema) into a temp project.
// 2. Writes example operations that use @connection (top-level accounts, an account's
//    contacts in a @refetchable fragment, which needs Node and node(id:)) and runs the real
//    relay-compiler (native binary from npm) with a minimal relay.config.json; it must
//    succeed and write the artifacts.
// 3. Runs the compiled query text against the gateway and commits the answer into
//    relay-runtime's Store (new Store(new RecordSource()), commitPayload with the compiled
//    artifact); reading the query back from the store must give the same data.
// Prints one JSON line {"ok":true,"artifacts":[…],"records":N} or {"ok":false,"reason":"..."}.
// Needs: Node 20+, web/build.sh run (relay-compiler, relay-runtime, graphql).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';

const require = createRequire(import.meta.url);
const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: node web/e2e/relay.mjs <url>');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'crmgraph-relay-'));

function finish(ok, payload) {
  rmSync(dir, { recursive: true, force: true });
  const line = ok ? { ok: true, ...payload } : { ok: false, reason: String(payload) };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (!ok) process.stderr.write(`relay check failed: ${line.reason}\n`);
  process.exit(ok ? 0 : 1);
}

const endpoint = new URL('graphql', base.endsWith('/') ? base : base + '/');
async function post(query, variables = {}) {
  const resp = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await resp.json();
  if (resp.status !== 200 || body.errors || !body.data) {
    throw new Error(`gateway answered ${resp.status}: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  return body.data;
}

const OPERATIONS = {
  'AccountListQuery.js': `graphql\`
  query AccountListQuery($first: Int!, $after: String) {
    accounts(first: $first, after: $after) @connection(key: "AccountListQuery_accounts") {
      edges {
        node {
          id
          name
          type { id name }
          owner { id name }
          ...AccountContacts_account
        }
      }
    }
    referenceData {
      accountTypes { id sourceId name }
      orderStatuses { id sourceId name }
      opportunityStatuses { id sourceId name }
    }
  }
\`;
`,
  'AccountContacts.js': `graphql\`
  fragment AccountContacts_account on Account
  @refetchable(queryName: "AccountContactsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 3 }, cursor: { type: "String" }) {
    contacts(first: $count, after: $cursor) @connection(key: "AccountContacts_contacts") {
      edges { node { id name email } }
    }
  }
\`;
`,
  'OpportunityListQuery.js': `graphql\`
  query OpportunityListQuery($last: Int!, $before: String) {
    opportunities(last: $last, before: $before) @connection(key: "OpportunityListQuery_opportunities") {
      edges {
        node {
          id
          title
          value
          estimatedCloseDate
          status { id name }
          lostReason { id name }
          winReason { id name }
        }
      }
    }
  }
\`;
`,
};

async function main() {
  // 1. Schema by introspection, as SDL.
  const intro = await post(getIntrospectionQuery({ specifiedByUrl: true }));
  const sdl = printSchema(buildClientSchema(intro));
  writeFileSync(join(dir, 'schema.graphql'), sdl);
  mkdirSync(join(dir, 'src'));
  for (const [name, text] of Object.entries(OPERATIONS)) writeFileSync(join(dir, 'src', name), text);
  writeFileSync(
    join(dir, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'javascript',
      // CommonJS artifacts, so this script can require() them (ES artifacts import without extensions).
      eagerEsModules: false,
      customScalarTypes: { DateTime: 'String', Date: 'String', Decimal: 'String', JSON: 'String' },
    }),
  );

  // 2. The real compiler.
  const cli = join(dirname(require.resolve('relay-compiler/package.json')), 'cli.js');
  const compiled = spawnSync(process.execPath, [cli], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (compiled.status !== 0) return finish(false, `relay-compiler: ${compiled.status} ${compiled.stdout}${compiled.stderr}`);
  // A second, checking run (what CI would use) finds the artifacts current.
  const check = spawnSync(process.execPath, [cli, '--validate'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (check.status !== 0) return finish(false, `relay-compiler --validate: ${check.status} ${check.stdout}${check.stderr}`);
  const genDir = join(dir, 'src', '__generated__');
  const artifacts = readdirSync(genDir).sort();
  for (const want of ['AccountListQuery.graphql.js', 'AccountContacts_account.graphql.js', 'AccountContactsPaginationQuery.graphql.js', 'OpportunityListQuery.graphql.js']) {
    if (!artifacts.includes(want)) return finish(false, `relay-compiler wrote no ${want}: ${artifacts}`);
  }

  // 3. relay-runtime's store with the compiled artifact and the real answer.
  const { Environment, Network, RecordSource, Store, createOperationDescriptor, getFragment, getRequest, getSelector } = require('relay-runtime');
  const records = {};
  for (const [file, variables] of [
    ['AccountListQuery.graphql.js', { first: 5 }],
    ['OpportunityListQuery.graphql.js', { last: 5 }],
  ]) {
    const request = getRequest(require(join(genDir, file)));
    const data = await post(request.params.text, variables);
    const env = new Environment({ network: Network.create(() => ({ data })), store: new Store(new RecordSource()) });
    const op = createOperationDescriptor(request, variables);
    env.commitPayload(op, data);
    const snap = env.lookup(op.fragment);
    if (snap.isMissingData) return finish(false, `${file}: relay store misses data after commitPayload`);
    // Every field the store gives back must equal the answer's; a fragment spread reads as a
    // reference, which is looked up in the store in turn (the answer holds its fields inline).
    let fragments = 0;
    const check = (got, want, path) => {
      if (Array.isArray(got)) {
        if (!Array.isArray(want) || got.length !== want.length) throw new Error(`${path}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
        got.forEach((g, i) => check(g, want[i], `${path}[${i}]`));
        return;
      }
      if (got === null || typeof got !== 'object') {
        assert.deepStrictEqual(got, want, path);
        return;
      }
      if (want === null || typeof want !== 'object') throw new Error(`${path}: object vs ${JSON.stringify(want)}`);
      if (got.__fragments) {
        for (const name of Object.keys(got.__fragments)) {
          const frag = getFragment(require(join(genDir, `${name}.graphql.js`)));
          const fsnap = env.lookup(getSelector(frag, got));
          if (fsnap.isMissingData) throw new Error(`${path}: fragment ${name} misses data`);
          check(fsnap.data, want, `${path}...${name}`);
          fragments++;
        }
      }
      for (const [k, v] of Object.entries(got)) {
        if (k.startsWith('__') && k !== '__typename') continue;
        if (!(k in want)) throw new Error(`${path}.${k} is not in the answer`);
        check(v, want[k], `${path}.${k}`);
      }
    };
    try {
      check(snap.data, data, file);
    } catch (e) {
      return finish(false, `relay store read differs from the answer: ${e.message.slice(0, 3000)}`);
    }
    if (file.startsWith('AccountList') && fragments === 0) return finish(false, 'no AccountContacts_account fragment read back');
    records[file] = env.getStore().getSource().size();
  }
  finish(true, { artifacts, records });
}

main().catch((e) => finish(false, e?.stack ?? e));
