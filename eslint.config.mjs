// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const LIBS = [
  'actors',
  'auth',
  'budget',
  'budget-alerts',
  'catalogue',
  'config',
  'llm',
  'observability',
  'persistence',
  'queue',
  'redis',
  'streams',
  'tools',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'eslint.config.mjs',
      'jest.config.js',
      'tests/support/swc-coverage-transform.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@switchboard/*/*'],
              message: 'Import a lib through its index (@switchboard/<lib>), never a deep path.',
            },
            {
              group: LIBS.flatMap((l) => [`**/libs/${l}/**`, `**/libs/${l}`]),
              message:
                'Import a lib through its alias (@switchboard/<lib>), never by relative path.',
            },
            { group: ['**/apps/**'], message: 'Libs and tests never import an app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests read JSON bodies of many shapes; `any` there is deliberate.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
