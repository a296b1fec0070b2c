#!/usr/bin/env node
// Normalizing-cache check against the real gateway:
//
//   node web/e2e/normalize.mjs <url>
//
// POSTs one broad query to <url>graphql (accounts with their type, owner, contacts and
// orders; opportunities with every reference item; the referenceData lists; leads; change
// requests), then
//  1. writes the answer into @apollo/client's InMemoryCache (cache.writeQuery, default
//     dataIdFromObject: __typename + id) and reads it back (cache.readQuery); the read must
//     equal what was written, so no two records collide under one cache key (before the
//     global ids, NamedItem "1" of one list overwrote "1" of another);
//  2. checks Relay's global-id rule the way relay-runtime's store keys records (by id alone,
//     whatever the type): every `id` in the answer names exactly one (__typename, content).
//     relay-runtime's store needs a relay-compiler artifact per query, so this broad query's
//     rule is checked directly here; web/e2e/relay.mjs compiles example operations with
//     relay-compiler and commits their real answers into relay-runtime's Store.
// Prints one JSON line {"ok":true,"records":N} or {"ok":false,"reason":"..."}; exit 0/1.
// Needs: Node 20+, web/build.sh run (@apollo/client in web/node_modules).
import assert from 'node:assert/strict';
import { InMemoryCache, gql } from '@apollo/client';

const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: node web/e2e/normalize.mjs <url>');
  process.exit(2);
}

function finish(ok, payload) {
  const line = ok ? { ok: true, ...payload } : { ok: false, reason: String(payload) };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (!ok) process.stderr.write(`normalize check failed: ${line.reason}\n`);
  process.exit(ok ? 0 : 1);
}

const item = '{ __typename id sourceId name }';
const page = 'pageInfo { __typename hasNextPage endCursor }';
const QUERY = `query Normalize {
  accounts(first: 10) {
    __typename ${page}
    edges { __typename cursor node {
      __typename id source sourceId name
      type ${item}
      owner { __typename id sourceId name }
      contacts(first: 5) { __typename edges { __typename node { __typename id sourceId name } } }
      orders(first: 5) { __typename edges { __typename node {
        __typename id sourceId number
        status ${item} type ${item} deliveryType ${item}
      } } }
    } }
  }
  opportunities(first: 20) {
    __typename ${page}
    edges { __typename node {
      __typename id sourceId title
      status ${item} type ${item} opportunitySource ${item} lostReason ${item} winReason ${item}
    } }
  }
  referenceData {
    __typename
    accountTypes ${item}
    opportunityStatuses ${item}
    opportunityTypes ${item}
    opportunitySources ${item}
    lostReasons ${item}
    winReasons ${item}
    orderStatuses ${item}
    orderTypes ${item}
    deliveryTerms ${item}
    deliveryTypes ${item}
  }
  leads(first: 20) {
    __typename ${page}
    edges { __typename node { __typename id source sourceId title status { __typename id sourceId name } } }
  }
  changeRequests(first: 20) {
    __typename ${page}
    edges { __typename node {
      __typename id sourceId uid
      status { __typename sourceId }
      contact { __typename id sourceId name }
    } }
  }
}`;

// Every object with an id, grouped by id: Relay keys its store by id alone.
function collectIds(value, byId, path = '') {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectIds(v, byId, `${path}[${i}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (typeof value.id === 'string') {
    const seen = byId.get(value.id) ?? [];
    seen.push({ path, value });
    byId.set(value.id, seen);
  }
  for (const [k, v] of Object.entries(value)) collectIds(v, byId, `${path}.${k}`);
}

// Two sightings of one id must be the same record: same __typename, and no field with
// different values (selections differ, so only fields both carry as scalars are compared).
function sameRecord(a, b) {
  if (a.__typename !== b.__typename) return `__typename ${a.__typename} vs ${b.__typename}`;
  for (const [k, v] of Object.entries(a)) {
    if (k in b && (v === null || typeof v !== 'object') && b[k] !== v) return `${k}: ${JSON.stringify(v)} vs ${JSON.stringify(b[k])}`;
  }
  return null;
}

async function main() {
  const url = new URL('graphql', base.endsWith('/') ? base : base + '/');
  const resp = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = await resp.json();
  if (resp.status !== 200 || body.errors || !body.data) {
    return finish(false, `gateway answered ${resp.status}: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  const data = body.data;
  for (const list of ['accounts', 'opportunities', 'leads', 'changeRequests']) {
    if (!data[list]?.edges?.length) return finish(false, `${list} is empty; the check needs records`);
  }

  // 1. Apollo InMemoryCache round trip.
  const cache = new InMemoryCache();
  const query = gql(QUERY);
  cache.writeQuery({ query, data });
  const read = cache.readQuery({ query });
  try {
    assert.deepStrictEqual(read, data);
  } catch (e) {
    return finish(false, `Apollo InMemoryCache read differs from what was written: ${e.message.slice(0, 3000)}`);
  }
  const records = Object.keys(cache.extract()).length;

  // 2. Relay's global-id rule.
  const byId = new Map();
  collectIds(data, byId);
  for (const [id, seen] of byId) {
    for (const s of seen.slice(1)) {
      const diff = sameRecord(seen[0].value, s.value);
      if (diff) return finish(false, `id ${id} names two records (${seen[0].path} and ${s.path}): ${diff}`);
    }
  }
  finish(true, { records, ids: byId.size });
}

main().catch((e) => finish(false, e?.stack ?? e));
