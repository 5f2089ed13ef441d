#!/usr/bin/env node
/*
 * Derives, for a repository linted with --app-config, what Backstage's catalog backend makes of
 * every document its locations reach, with the backend's own code (@backstage/plugin-catalog-backend
 * 4.0.5, pinned by package-lock.json) instead of a model of it:
 *
 *   npm ci && node derive-catalog.js           # writes catalog/<case>/expected.json
 *   node derive-catalog.js --check             # exit 1 when a committed expected.json differs
 *
 * A case is a folder under catalog/ with case.json:
 *   {"root": repository, relative to the case, "backend": the backend's working directory,
 *    relative to root, "configs": [config files, relative to root], "env": {..}}
 *
 * What runs, all of it the real thing:
 * - @backstage/config-loader reads the configs with the case's env only (as derive.js does);
 * - the process chdirs into the backend folder, as `yarn start` runs the backend there, so file
 *   targets and the rules' `exact` locations resolve with path.resolve as in production;
 * - ConfigLocationEntityProvider turns catalog.locations into Location entities;
 *   DefaultCatalogRulesEnforcer.fromConfig reads the rules;
 * - DefaultCatalogProcessingOrchestrator, with the processors CatalogBuilder installs
 *   (PlaceholderProcessor, BuiltinKindsEntityProcessor, FileReaderProcessor and its node-glob,
 *   UrlReaderProcessor, AnnotateLocationEntityProcessor) plus the scaffolder entity model
 *   module's ScaffolderEntitiesProcessor, the policies CatalogBuilder builds, and the backend's
 *   default parser, processes each Location entity (one batch: ok or not) and then each entity
 *   it emits, as the processing engine does with what it stores.
 * No database: a batch that is not ok stores nothing, and what it emitted is processed here only
 * to say why each document is not in the catalog. A Location inside such a batch is still
 * followed, to list the documents that are "not read".
 *
 * Documents are matched to what the parser yields: the parser is wrapped, and the k-th result
 * it yields for a file belongs to the k-th document of that file that is not empty (the same
 * `yaml` module splits the stream). Each document gets a verdict:
 *   ok        in the catalog;
 *   rejected  fails on its own: stage yaml, envelope, rules (kind not allowed from its origin
 *             location) or entity (policies, kind validation, postprocessing);
 *   batch     fine on its own, but its location's batch is not ok, so it is not stored;
 *   not-read  behind a Location that is not in the catalog; Backstage never reads it;
 *   targets   a Location fine on its own whose own targets' batch is not ok.
 * Network and placeholders are not emulated: a reader call aborts the derivation (exit 3).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { ConfigSources } = require('@backstage/config-loader');
const { ScmIntegrations } = require('@backstage/integration');
const cm = require('@backstage/catalog-model');
const backend = require('@backstage/plugin-catalog-backend');
const { ScaffolderEntitiesProcessor } = require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model');

// Internal modules of the backend that its index does not export (its `exports` map hides them).
const dist = path.join(path.dirname(require.resolve('@backstage/plugin-catalog-backend/package.json')), 'dist');
const internal = file => require(path.join(dist, file));
const { DefaultCatalogRulesEnforcer } = internal('ingestion/CatalogRules.cjs.js');
const { DefaultCatalogProcessingOrchestrator } = internal('processing/DefaultCatalogProcessingOrchestrator.cjs.js');
const { ProcessorOutputCollector } = internal('processing/ProcessorOutputCollector.cjs.js');
const { ConfigLocationEntityProvider } = internal('providers/ConfigLocationEntityProvider.cjs.js');
const { defaultEntityDataParser } = internal('util/parse.cjs.js');
const placeholders = internal('processors/PlaceholderProcessor.cjs.js');
const { filterAndSortProcessors } = internal('service/util.cjs.js');
// The `yaml` module the backend's parser uses, to split a stream the same way.
const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('@backstage/plugin-catalog-node'))] }));

const OFFLINE = 'derive-catalog: no network and no placeholders';
const reader = {
  readUrl: async () => { throw new Error(OFFLINE); },
  readTree: async () => { throw new Error(OFFLINE); },
  search: async () => { throw new Error(OFFLINE); },
};
const logger = {
  child: () => logger,
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** The catalog backend of one case: its orchestrator, rules and a log of what its parser read. */
function makeCatalog(config) {
  const integrations = ScmIntegrations.fromConfig(config);
  const processors = filterAndSortProcessors(
    [
      new backend.PlaceholderProcessor({
        resolvers: {
          json: placeholders.jsonPlaceholderResolver,
          yaml: placeholders.yamlPlaceholderResolver,
          text: placeholders.textPlaceholderResolver,
        },
        reader,
        integrations,
      }),
      new backend.BuiltinKindsEntityProcessor(),
      new backend.FileReaderProcessor(),
      new backend.UrlReaderProcessor({ reader, logger }),
      new backend.AnnotateLocationEntityProcessor({ integrations }),
      new ScaffolderEntitiesProcessor(),
    ],
    config,
  );
  // CatalogBuilder.buildEntityPolicy without custom policies.
  const policy = cm.EntityPolicies.allOf([
    new cm.SchemaValidEntityPolicy(),
    new cm.DefaultNamespaceEntityPolicy(),
    new cm.NoForeignRootFieldsEntityPolicy(),
    new cm.FieldFormatEntityPolicy(cm.makeValidator()),
  ]);
  const reads = [];
  async function* parser(input) {
    const read = { target: input.location.target, results: [] };
    reads.push(read);
    let indexes = [null];
    try {
      const documents = YAML.parseAllDocuments(input.data.toString('utf8'), { merge: false }).filter(d => d);
      indexes = documents.map((d, i) => (d.errors?.length || d.toJSON() !== null ? i : -1)).filter(i => i >= 0);
    } catch {
      // The parser yields one error for the whole stream.
    }
    let k = 0;
    for await (const result of defaultEntityDataParser(input)) {
      read.results.push({ index: indexes[k], result });
      k++;
      yield result;
    }
  }
  const rulesEnforcer = DefaultCatalogRulesEnforcer.fromConfig(config);
  const orchestrator = new DefaultCatalogProcessingOrchestrator({
    processors,
    integrations,
    logger,
    parser,
    policy,
    rulesEnforcer,
    legacySingleProcessorValidation: false,
  });
  return { orchestrator, rulesEnforcer, reads };
}

function message(errors) {
  const e = errors[0];
  if (!e) return null;
  if (String(e.message).includes(OFFLINE) || String(e.cause?.message).includes(OFFLINE)) {
    throw new Error(`${OFFLINE}: ${e.message} (${e.cause?.message})`);
  }
  return e.cause ? `${e.message}: ${e.cause.message}` : e.message;
}

/**
 * Processes a Location entity (one batch) and judges every document it reads. `blocked`: the
 * Location is not in the catalog, so its documents are not read.
 */
async function processLocation(catalog, entity, blocked, out) {
  catalog.reads.length = 0;
  const result = await catalog.orchestrator.process({ entity, state: {} });
  const reads = catalog.reads.splice(0);
  const origin = cm.parseLocationRef(entity.metadata.annotations[cm.ANNOTATION_ORIGIN_LOCATION]);
  const judged = [];
  for (const read of reads) {
    for (const { index, result: item } of read.results) {
      judged.push({ file: read.target, index, ...(await judge(catalog, entity, origin, item)) });
    }
  }
  const batchOk = result.ok && !blocked;
  for (const doc of judged) {
    const location = doc.location;
    delete doc.location;
    if (doc.verdict === 'ok' && !batchOk) {
      doc.verdict = blocked ? 'not-read' : 'batch';
    }
    if (location) {
      // A Location that is not in the catalog (or not ok on its own) leads to documents that
      // are never read.
      const own = await processLocation(catalog, location, doc.verdict !== 'ok', out);
      if (doc.verdict === 'ok' && !own.ok) {
        doc.verdict = own.read ? 'targets' : 'rejected';
        doc.stage = own.read ? 'targets' : 'entity';
        doc.error = own.error;
      }
    }
    out.push(doc);
  }
  return { ok: result.ok, read: reads.length > 0, error: result.ok ? null : message(result.errors) };
}

/** One document's verdict on its own: parsed, envelope, rules of its origin, own processing. */
async function judge(catalog, parent, origin, item) {
  if (item.type !== 'entity') {
    return { verdict: 'rejected', stage: 'yaml', ref: null, error: message([item.error]) };
  }
  const collector = new ProcessorOutputCollector(logger, parent);
  collector.generic()(item);
  const { errors, deferredEntities } = collector.results();
  if (errors.length || deferredEntities.length !== 1) {
    return { verdict: 'rejected', stage: 'envelope', ref: null, error: message(errors) };
  }
  const entity = deferredEntities[0].entity;
  const ref = cm.stringifyEntityRef(entity);
  if (!catalog.rulesEnforcer.isAllowed(entity, origin)) {
    return { verdict: 'rejected', stage: 'rules', ref, error: `${ref} is not of an allowed kind for that location` };
  }
  if (entity.kind === 'Location') {
    // Its own processing reads its targets: done by the caller once the batch is known.
    return { verdict: 'ok', stage: null, ref, error: null, location: entity };
  }
  const own = await catalog.orchestrator.process({ entity, state: {} });
  if (!own.ok) {
    return { verdict: 'rejected', stage: 'entity', ref, error: message(own.errors) };
  }
  return { verdict: 'ok', stage: null, ref, error: null };
}

async function derive(dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8'));
  const root = fs.realpathSync(path.resolve(dir, spec.root));
  const env = spec.env ?? {};
  const source = ConfigSources.default({
    argv: spec.configs.flatMap(f => ['--config', path.join(root, f)]),
    rootDir: root,
    env,
    substitutionFunc: async name => env[name]?.trim(),
  });
  const config = await ConfigSources.toConfig(source);
  const cwd = process.cwd();
  process.chdir(path.join(root, spec.backend));
  try {
    const catalog = makeCatalog(config);
    const documents = [];
    const locations = [];
    for (const { entity } of new ConfigLocationEntityProvider(config).getEntitiesFromConfig()) {
      const batch = await processLocation(catalog, entity, false, documents);
      locations.push({ type: entity.spec.type, target: entity.spec.target, ok: batch.ok, error: batch.error });
    }
    const relative = p => path.relative(root, p).split(path.sep).join('/');
    const scrub = s =>
      s && s.split(root + path.sep).join('').split(root).join('.').replace(/generated-[0-9a-f]{40}/g, 'generated-*');
    for (const d of documents) {
      d.file = relative(d.file);
      d.error = scrub(d.error);
    }
    for (const l of locations) {
      l.target = l.type === 'file' ? relative(l.target) : l.target;
      l.error = scrub(l.error);
    }
    documents.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.index ?? -1) - (b.index ?? -1)));
    const out = { config: config.get(), locations, documents };
    config.close?.();
    return out;
  } finally {
    process.chdir(cwd);
  }
}

(async () => {
  const check = process.argv.includes('--check');
  const base = path.join(__dirname, 'catalog');
  let differ = 0;
  for (const name of fs.readdirSync(base).sort()) {
    const out = await derive(path.join(base, name));
    const text = `${JSON.stringify(out, null, 2)}\n`;
    const file = path.join(base, name, 'expected.json');
    const counts = {};
    for (const d of out.documents) counts[d.verdict] = (counts[d.verdict] ?? 0) + 1;
    const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
    if (check) {
      const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (old !== text) {
        differ++;
        process.stdout.write(`${name}: differs from the committed expected.json (${summary})\n`);
        continue;
      }
    } else {
      fs.writeFileSync(file, text);
    }
    process.stdout.write(`${name}: ${summary}\n`);
  }
  process.exit(differ ? 1 : 0);
})().catch(e => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(3);
});
