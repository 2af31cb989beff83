import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sideEffectModules = [
  'nodemailer',
  'nodemailer/*',
  'ical-generator',
  'smtp-server',
  'mailparser',
  'pg',
  'luxon',
  '@prisma/*',
  'prisma',
  'pglite-prisma-adapter',
  '@electric-sql/*',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  'fastify',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'generated/', '.temporal/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code must be deterministic: no Node built-ins, no I/O libraries. Activities are
    // imported as types only, through proxyActivities.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'Workflow and domain code is deterministic: no Node built-ins. Use an activity.',
            },
            {
              group: sideEffectModules,
              message: 'Workflow and domain code is deterministic: do side effects in an activity.',
            },
            {
              group: ['**/activities/*', '**/infra/*', '**/client/*', '**/worker/*'],
              allowTypeImports: true,
              message: 'Import activities as types only (proxyActivities).',
            },
          ],
          paths: [
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
          ].map((name) => ({
            name,
            message: 'Workflow and domain code is deterministic: no Node built-ins. Use an activity.',
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
