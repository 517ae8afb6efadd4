// Lint rules for the hand-written TypeScript, with type information (typescript-eslint's type-checked
// recommended rules); generated code (gen/) and build output (dist/) are not ours to lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'gen/', 'node_modules/', '.local/', 'coverage/', 'clients/typescript/dist/', 'clients/typescript/src/gen/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The root config files sit outside tsconfig.json's folders; they are typed by a default project.
        projectService: { allowDefaultProject: ['*.config.ts', 'eslint.config.js', 'examples/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests: fakes are async without awaiting (they stand in for I/O); the call helpers take a generated client's
    // method and call it on that client; vitest's asymmetric matchers (expect.stringMatching…) are typed any.
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // The examples are plain ES modules a newcomer runs with node: Node's globals.
    files: ['examples/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
