import { dirname, join } from 'path';
import { definePDFJSModule } from 'unpdf';
import { nodeRequire, resolvePackage } from './node-require';

let defined: Promise<void> | undefined;

/**
 * Points unpdf at its serverless PDF.js bundle, loaded by Node's loader rather than unpdf's
 * default dynamic `import()`, which Jest's sandbox refuses without --experimental-vm-modules.
 */
export function ensurePdfjs(): Promise<void> {
  defined ??= (async () => {
    const bundle = join(dirname(resolvePackage('unpdf')), 'pdfjs.mjs');
    await definePDFJSModule(async () => nodeRequire(bundle));
  })();
  return defined;
}
