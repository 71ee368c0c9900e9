// ESLint flat config: typescript-eslint's recommended rules, the project's layer rule
// (eslint/layers.js: imports point down the table of DESIGN.md; only I/O modules do I/O), and
// the style rules STYLE.md asks for (no Math.random; seeded PRNG streams only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'probe/**', 'reports/**', 'schema/**', '.fuzz/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: {
      'layers/import-direction': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use a seeded Prng stream (src/engine/prng.ts)' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
