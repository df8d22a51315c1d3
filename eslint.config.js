// ESLint flat config: the recommended JavaScript and typescript-eslint rules, as GitHub's
// actions/typescript-action template has them. `npm run lint`.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'lib/', 'coverage/', 'node_modules/', 'bench/.corpus/', '.cache/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Untrusted text (provider messages, dataset values, file names) is cleaned of control
      // characters before it reaches a log line, a table or a workflow command: the regular
      // expressions that match them are the point, not a mistake.
      'no-control-regex': 'off',
      // `_`-prefixed names are deliberately unused (an interface's parameter, a counted loop).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Test doubles take and return arbitrary JSON (request bodies, fake API objects).
    files: ['__tests__/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
