import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import layers from './eslint/layers.js';
import noFolderCycle from './eslint/no-folder-cycle.js';

const ENTRY_POINTS = ['src/app.ts', 'src/build-schema.ts', 'src/main.ts', 'src/simulator-main.ts'];

/** Who may import whom inside src/ (by resolved path). Tests may import anything. */
const LAYERS = [
  {
    from: ['src/services/', 'src/shared/', 'src/infra/'],
    disallow: ['src/schema/', 'src/resolvers/', 'src/http/', 'src/sandbox/', ...ENTRY_POINTS],
    message:
      'the domain and its adapters never import GraphQL, HTTP, the sandbox or an entry point, so a queue worker can reuse them.',
  },
  {
    from: ['src/shared/'],
    disallow: ['src/'],
    allow: ['src/shared/', 'src/config.ts'],
    message: 'src/shared is what every layer imports, so it imports no layer.',
  },
  {
    from: ['src/schema/'],
    disallow: ['src/resolvers/', 'src/http/', ...ENTRY_POINTS],
    message: 'src/schema holds types only; build-schema.ts puts them together with the resolvers.',
  },
  {
    from: ['src/resolvers/'],
    disallow: ['src/http/', 'src/infra/', ...ENTRY_POINTS],
    message: 'resolvers only call services.',
  },
  {
    from: ['src/'],
    except: ['src/sandbox/', 'src/simulator/', 'src/simulator-main.ts'],
    disallow: ['src/simulator/'],
    message: 'only src/sandbox, src/simulator-main.ts and tests import the simulator.',
  },
  {
    from: ['src/simulator/'],
    disallow: ['src/'],
    allow: ['src/simulator/', 'src/shared/logger.ts', 'src/shared/project-file.ts'],
    message:
      'the simulator judges the gateway independently: it imports none of the gateway’s code.',
  },
];

const DOMAIN_PACKAGES = {
  group: ['graphql', 'graphql/*', 'type-graphql', 'graphql-scalars', '@apollo/*'],
  message: 'The domain never imports GraphQL: src/schema and src/resolvers translate.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', '**/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: [
      'bench/**',
      'src/main.ts',
      'src/simulator-main.ts',
      'src/worker-main.ts',
      'test/setup/no-console.ts',
      '*.js',
    ],
    rules: { 'no-console': 'off' },
  },
  // Architecture. A violation names the rule that caught it.
  {
    files: ['src/**/*.ts'],
    plugins: {
      'import-x': importX,
      architecture: { rules: { layers, 'no-folder-cycle': noFolderCycle } },
    },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'architecture/no-folder-cycle': 'error',
      'architecture/layers': ['error', LAYERS],
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/shared/**/*.ts', 'src/infra/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DOMAIN_PACKAGES] }] },
  },
);
