import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'process',
  'timers',
  'events',
  'stream',
  'util',
];

/** I/O libraries workflow and domain code may not use (the database's are in databaseModules). */
const sideEffectModules = [
  'nodemailer',
  'nodemailer/*',
  'ical-generator',
  'smtp-server',
  'mailparser',
  'pg',
  'luxon',
  'prisma',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  'fastify',
];

/** The database is reached through store/ only: the generated client and the drivers stay there. */
const databaseModules = ['**/generated/**', '@prisma/*', 'pglite-prisma-adapter', '@electric-sql/*'];

const LAYERS = [
  'domain',
  'workflows',
  'documents',
  'infra',
  'store',
  'activities',
  'client',
  'server',
  'cli',
  'worker',
  'app',
];

/** What each layer may not import (ARCHITECTURE.md): the layers above it, and the CLI's neighbours. */
const FORBIDDEN = {
  domain: LAYERS.filter((layer) => layer !== 'domain'),
  workflows: ['documents', 'infra', 'store', 'activities', 'client', 'server', 'cli', 'worker', 'app'],
  documents: ['workflows', 'infra', 'store', 'activities', 'client', 'server', 'cli', 'worker', 'app'],
  infra: ['workflows', 'documents', 'store', 'activities', 'client', 'server', 'cli', 'worker', 'app'],
  store: ['workflows', 'documents', 'activities', 'client', 'server', 'cli', 'worker', 'app'],
  activities: ['client', 'server', 'cli', 'worker', 'app'],
  client: ['activities', 'server', 'cli', 'worker', 'app'],
  server: ['activities', 'cli', 'worker', 'app'],
  cli: LAYERS.filter((layer) => !['domain', 'cli'].includes(layer)),
  worker: ['client', 'server', 'cli', 'app'],
  app: ['cli'],
};

/**
 * Workflow definitions (messages, ids, inputs) are the contract between workflows and the layers
 * that start or serve them; those layers may import them, and workflow functions as types only.
 */
const WORKFLOW_CLIENTS = ['activities', 'client', 'server', 'worker', 'app'];

function layerPatterns(layer) {
  const patterns = FORBIDDEN[layer].map((other) => ({
    group: [`**/${other}/**`],
    // Activities are imported by workflows as types only, through proxyActivities.
    ...(layer === 'workflows' && other === 'activities' ? { allowTypeImports: true } : {}),
    message: `${layer}/ may not import ${other}/ (ARCHITECTURE.md).`,
  }));
  if (WORKFLOW_CLIENTS.includes(layer)) {
    patterns.push({
      group: ['**/workflows/**', '!**/workflows/*definitions.js', '!**/workflows/definitions/**'],
      allowTypeImports: true,
      message: `${layer}/ imports workflows' *-definitions.ts only; workflow functions as types (ARCHITECTURE.md).`,
    });
  }
  if (layer !== 'store') {
    patterns.push({ group: databaseModules, message: 'The database is reached through store/ only (createStore).' });
  }
  if (layer === 'workflows' || layer === 'domain') {
    patterns.push(
      { group: ['node:*'], message: 'Workflow and domain code is deterministic: no Node built-ins. Use an activity.' },
      {
        group: sideEffectModules,
        message: 'Workflow and domain code is deterministic: do side effects in an activity.',
      },
    );
  }
  const paths =
    layer === 'workflows' || layer === 'domain'
      ? nodeBuiltins.map((name) => ({
          name,
          message: 'Workflow and domain code is deterministic: no Node built-ins. Use an activity.',
        }))
      : [];
  return { patterns, paths };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'generated/', '.temporal/', '.radicale/', '.node/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier breaks code at 120 columns but never strings or comments: this catches those.
      '@stylistic/max-len': ['error', { code: 120, tabWidth: 2 }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS.map((layer) => ({
    files: [`${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', layerPatterns(layer)] },
  })),
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
