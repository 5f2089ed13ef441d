// Drives Backstage's own TechInsightsClient (the npm package's `/client` export, as the
// scorecard card uses it) against `yardstick serve`, and checks every answer against the
// `yardstick score --format json` report of the recorded run.
//
// Usage: node check.mjs BASE_URL SCORE.json
//   BASE_URL   the tech-insights base URL, e.g. http://127.0.0.1:8080/api/tech-insights
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TechInsightsClient } from '@backstage-community/plugin-tech-insights-common/client';

const [baseUrl, scorePath] = process.argv.slice(2);
if (!baseUrl || !scorePath) {
  console.error('usage: node check.mjs BASE_URL SCORE.json');
  process.exit(2);
}
const report = JSON.parse(readFileSync(scorePath, 'utf8'));

// The stub APIs of a Backstage app: discovery answers the base URL, identity a user token.
const client = new TechInsightsClient({
  discoveryApi: { getBaseUrl: async plugin => (plugin === 'tech-insights' ? baseUrl : '') },
  identityApi: { getCredentials: async () => ({ token: 'a-backstage-user-token' }) },
});

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`tech-insights-client: ok   - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`tech-insights-client: FAIL - ${name}\n${e.stack ?? e}`);
  }
}

// The documented mapping (docs/backstage.md); undefined: the result is absent.
const shownAs = status =>
  ({ pass: true, exempt: true, fail: false, unknown: false, error: false })[status];

function expectedResults(entity) {
  return entity.checks
    .filter(c => shownAs(c.status) !== undefined)
    .map(c => ({ id: c.id, result: shownAs(c.status), status: c.status, message: c.message }));
}

function gotResults(results) {
  return results.map(r => ({
    id: r.check.id,
    result: r.result,
    status: r.facts.status.value,
    message: r.facts.message.value,
  }));
}

function compound(entity) {
  const [kindLower, rest] = [entity.ref.slice(0, entity.ref.indexOf(':')), entity.ref.slice(entity.ref.indexOf(':') + 1)];
  const slash = rest.indexOf('/');
  assert.equal(kindLower, entity.kind.toLowerCase());
  // The kind as written in the catalog (`Component`), as the frontend passes it.
  return { kind: entity.kind, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

await check('getAllChecks lists the checks of the run with their metadata', async () => {
  const checks = await client.getAllChecks();
  assert.deepEqual(checks.map(c => c.id), report.checks.map(c => c.id));
  for (const [i, info] of report.checks.entries()) {
    assert.equal(checks[i].type, 'json-rules-engine');
    assert.equal(checks[i].name, info.title);
    assert.ok(checks[i].description.startsWith(info.description.trim()), checks[i].description);
    assert.ok(checks[i].description.includes(info.remediation.trim()), checks[i].description);
    assert.equal(checks[i].metadata.severity, info.severity);
    assert.equal(checks[i].metadata.weight, info.weight);
    assert.ok(checks[i].links.length > 0, `${info.id} has a documentation link`);
  }
});

await check(`runChecks answers each of the ${report.entities.length} entities as scored`, async () => {
  assert.ok(report.entities.length > 0);
  for (const entity of report.entities) {
    const results = await client.runChecks(compound(entity));
    assert.deepEqual(gotResults(results), expectedResults(entity), entity.ref);
  }
});

await check('runChecks with a list of checks answers only those', async () => {
  const entity = report.entities.find(e => e.checks.some(c => c.id === 'has-owner' && c.status !== 'not-applicable'));
  assert.ok(entity, 'an entity with a has-owner result');
  const results = await client.runChecks(compound(entity), ['has-owner']);
  assert.deepEqual(gotResults(results), expectedResults(entity).filter(r => r.id === 'has-owner'));
});

await check('runBulkChecks answers every entity as scored', async () => {
  const bulk = await client.runBulkChecks(report.entities.map(compound));
  assert.equal(bulk.length, report.entities.length);
  for (const [i, entity] of report.entities.entries()) {
    assert.equal(bulk[i].entity, entity.ref);
    assert.deepEqual(gotResults(bulk[i].results), expectedResults(entity), entity.ref);
  }
});

await check('runBulkChecks of no entity (the overview page) answers every entity', async () => {
  const bulk = await client.runBulkChecks([]);
  const byRef = new Map(bulk.map(b => [b.entity, b.results]));
  assert.equal(byRef.size, report.entities.length);
  for (const entity of report.entities) {
    assert.deepEqual(gotResults(byRef.get(entity.ref)), expectedResults(entity), entity.ref);
  }
});

await check('getFacts answers the entity and check facts as scored', async () => {
  for (const entity of report.entities) {
    const ids = ['yardstick', ...entity.checks.map(c => `yardstick:${c.id}`)];
    const facts = await client.getFacts(compound(entity), ids);
    assert.deepEqual(Object.keys(facts).sort(), [...ids].sort(), entity.ref);
    const own = facts.yardstick.facts;
    assert.equal(own.score, entity.score ?? undefined, `${entity.ref} score`);
    assert.equal(own.level, entity.level ?? undefined, `${entity.ref} level`);
    assert.ok(!Number.isNaN(Date.parse(facts.yardstick.timestamp)));
    for (const c of entity.checks) {
      const got = facts[`yardstick:${c.id}`].facts;
      assert.equal(got.status, c.status);
      assert.equal(got.message, c.message);
      assert.equal(got.severity, c.severity);
      const l = c.location;
      assert.equal(got.location, l ? `${l.line}:${l.column}-${l.end_line}:${l.end_column}` : undefined);
    }
  }
});

await check('getFactSchemas describes the entity and every check', async () => {
  const schemas = await client.getFactSchemas();
  assert.deepEqual(
    schemas.map(s => s.id),
    ['yardstick', ...report.checks.map(c => `yardstick:${c.id}`)],
  );
  assert.equal(schemas[0].score.type, 'float');
  assert.equal(schemas[1].status.type, 'string');
});

await check('an unknown entity is a ResponseError with the NotFoundError body', async () => {
  await assert.rejects(
    client.runChecks({ kind: 'Component', namespace: 'default', name: 'no-such-entity' }),
    e => e.name === 'ResponseError' && e.body?.error?.name === 'NotFoundError' && e.statusCode === 404,
  );
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
