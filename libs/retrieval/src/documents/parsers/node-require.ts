import { Module } from 'module';

/**
 * Loads a package with Node's own loader, for dependencies that load ES modules (linkedom's
 * css-select, PDF.js): Node ≥ 20.19 requires ES modules natively. Jest's CommonJS sandbox
 * cannot, and it swaps `createRequire` and `process.getBuiltinModule` for its own; the
 * `require` of a `Module` instance is still Node's, so the same code runs in the apps and in
 * the unit tests. `id` is resolved from this file, then loaded by its absolute path.
 */
export function nodeRequire(id: string): unknown {
  const host = new Module(__filename);
  host.filename = __filename;
  return host.require(require.resolve(id));
}

/** The absolute path a package name resolves to from here. */
export const resolvePackage = (id: string): string => require.resolve(id);
