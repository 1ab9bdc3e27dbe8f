import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layer boundaries (issue 18). Flat config replaces a rule's options when a
// later block sets the same rule for a file, so each layer block below lists
// every restriction its files need.

// Without type information the linter sees names, not a better-sqlite3
// handle: these are the calls SQL goes through (RegExp has `exec` too, but is
// not handed SQL text).
const SQL_CALLS = [
  {
    selector: "CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]",
    message: 'Only server/store/ runs SQL: add a repository method there.',
  },
  {
    selector: "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
    message: 'Only server/store/ runs SQL: add a repository method there.',
  },
];
const SQLITE_IMPORT = { name: 'better-sqlite3', message: 'Only server/store/ opens the database.' };

// Import specifiers are matched as written, not resolved, so "outside
// grammar/" depends on how deep the importing file sits: one block per depth.
// The deepest block also covers anything nested further, more strictly than
// needed, so new nesting fails loudly instead of escaping the check.
const GRAMMAR_DEPTH = 3;
const grammarLayer = Array.from({ length: GRAMMAR_DEPTH + 1 }, (_, depth) => ({
  files: [depth === GRAMMAR_DEPTH ? `grammar/${'*/'.repeat(depth)}**/*.ts` : `grammar/${'*/'.repeat(depth)}*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{
        // TypeBox, the model's schema language, is the one package: pure, and it runs in the browser.
        regex: `^(?!\\.\\.?/|@sinclair/typebox(/|$))|^(\\.\\./){${depth + 1}}`,
        message: 'grammar/ is pure and runs in the browser too: no node: modules, packages (TypeBox aside) or files outside grammar/.',
      }],
    }],
    'no-restricted-syntax': ['error', ...SQL_CALLS, {
      selector: 'ImportExpression',
      message: 'grammar/ loads nothing at run time.',
    }],
  },
}));

const SERVER_FROM_WEB = {
  regex: '(^|/)server/',
  message: 'web/ sees the server only through the API contract, never its modules.',
};
// The API contract (route table, request and response schemas, error codes):
// the one server module web/api/ may read, and only its types.
const CONTRACT = 'routes/contract';

export default tseslint.config(
  // The config lives in .ci/; file patterns are relative to the project root.
  { basePath: '..' },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['server/**/*.ts', 'web/**/*.ts', 'grammar/**/*.ts'],
    ignores: ['server/store/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [SQLITE_IMPORT] }],
      'no-restricted-syntax': ['error', ...SQL_CALLS],
    },
  },
  ...grammarLayer,
  {
    files: ['web/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [SERVER_FROM_WEB] }] },
  },
  {
    files: ['web/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { ...SERVER_FROM_WEB, regex: `(^|/)server/(?!${CONTRACT}\\.js$)` },
          {
            regex: `(^|/)server/${CONTRACT}\\.js$`,
            allowTypeImports: true,
            message: 'web/ takes only types from the server, never code into the bundle.',
          },
        ],
      }],
    },
  },
);
