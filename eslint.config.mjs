// Lint enforces the layout, nothing else: a lib is reached only as '@ferry/<lib>' (its index.ts), never through a
// relative path into another package or into another lib's internal files, and libs never import from apps.
// Imports within one package (a lib, an app, test/ or bench/) stay relative.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));
const rel = (p) => path.relative(root, p).split(path.sep).join('/');

/** A package is a folder under libs/ or apps/ with a src/ folder (libs/connectors/* are packages of their own). */
function packages(dir, kind, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = path.join(dir, e.name);
    if (fs.existsSync(path.join(sub, 'src'))) out.push({ dir: rel(sub), kind });
    else packages(sub, kind, out);
  }
  return out;
}
const libs = packages(path.join(root, 'libs'), 'lib');
const pkgs = [
  ...libs,
  ...packages(path.join(root, 'apps'), 'app'),
  { dir: 'test', kind: 'test' },
  { dir: 'bench', kind: 'bench' },
];

// The only '@ferry/...' specifiers that exist: one per lib (libs/<lib>/src), plus the explicit tsconfig paths
// (test-support folders such as @ferry/connectors/rest/testing). Anything longer reaches into a lib's internals.
const tsPaths = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions.paths ?? {};
const aliases = [
  ...libs.map((l) => l.dir.replace(/^libs\//, '')),
  ...Object.keys(tsPaths).filter((k) => !k.endsWith('*')).map((k) => k.replace(/^@ferry\//, '')),
];
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const deepAlias = {
  regex: `^@ferry/(?!(?:${aliases.map(esc).join('|')})$)`,
  caseSensitive: true,
  message: "import a lib as '@ferry/<lib>' only: its index.ts is its API (export what you need from there).",
};
const rootPath = {
  regex: '^(?:libs|apps|test|bench)/',
  caseSensitive: true,
  message: "no repo-root paths: import a lib as '@ferry/<lib>'.",
};
const intoLibsSrc = {
  regex: '(?:^|/)libs/.+/src(?:/|$)',
  caseSensitive: true,
  message: "do not reach into libs/<lib>/src by a path: import '@ferry/<lib>'.",
};
const libToApp = {
  regex: '(?:^|/)apps/',
  caseSensitive: true,
  message: 'a lib must not import from an app.',
};

/**
 * A relative import that climbs out of its own package. For a file k folders below its package root, k+1 '../'
 * leave the package. test/ and bench/ may still reach into apps (tests drive the sandbox app, for example).
 */
function leavesPackage(k, allowApps) {
  return {
    regex: `^(?:\\.\\./){${k + 1}}${allowApps ? '(?!apps/)' : ''}`,
    message: "this relative import leaves its package: import a lib as '@ferry/<lib>' (its index.ts).",
  };
}

const MAX_DEPTH = 10;
const layoutBlocks = [];
for (const pkg of pkgs) {
  for (let k = 0; k <= MAX_DEPTH; k++) {
    const patterns = [deepAlias, rootPath, intoLibsSrc];
    if (pkg.kind === 'lib') patterns.unshift(libToApp);
    patterns.push(leavesPackage(k, pkg.kind === 'test' || pkg.kind === 'bench'));
    layoutBlocks.push({
      files: [`${pkg.dir}/${'*/'.repeat(k)}*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    });
  }
}

export default [
  { ignores: ['dist/**', 'node_modules/**', '**/*.d.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  ...layoutBlocks,
];
