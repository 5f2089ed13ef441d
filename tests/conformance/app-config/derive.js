#!/usr/bin/env node
/*
 * Derives each case's expected config with the real @backstage/config-loader.
 *
 *   npm ci && node derive.js            # writes cases/<name>/expected.json
 *   node derive.js --check              # exit 1 when a committed expected.json differs
 *
 * A case is a folder under cases/ with case.json: {"configs": [files, in order], "env": {..}}.
 * The loader is ConfigSources.default with those files as --config arguments, the case's
 * env as its environment (APP_CONFIG_* and ${VAR} substitution; nothing from this
 * process's environment), read with ConfigSources.toConfig. expected.json is
 * {"config": <config.get()>} or {"error": true} when the loader refuses the files.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { ConfigSources } = require('@backstage/config-loader');

async function derive(dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8'));
  const env = spec.env ?? {};
  try {
    const source = ConfigSources.default({
      argv: spec.configs.flatMap(f => ['--config', path.join(dir, f)]),
      rootDir: dir,
      env,
      substitutionFunc: async name => env[name]?.trim(),
    });
    const config = await ConfigSources.toConfig(source);
    const out = { config: config.get() };
    config.close?.();
    return out;
  } catch (e) {
    return { error: true };
  }
}

(async () => {
  const check = process.argv.includes('--check');
  const root = path.join(__dirname, 'cases');
  let differ = 0;
  for (const name of fs.readdirSync(root).sort()) {
    const out = await derive(path.join(root, name));
    const text = `${JSON.stringify(out, null, 2)}\n`;
    const file = path.join(root, name, 'expected.json');
    if (check && (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text)) {
      differ++;
      process.stdout.write(`${name}: differs from the committed expected.json\n`);
      continue;
    }
    if (!check) fs.writeFileSync(file, text);
    process.stdout.write(`${name}: ${out.error ? 'error' : 'ok'}\n`);
  }
  process.exit(differ ? 1 : 0);
})().catch(e => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(3);
});
