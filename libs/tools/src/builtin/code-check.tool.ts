import ts from 'typescript';
import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolOutput } from '../tool.types';
import { measureComplexity, type FunctionComplexity } from './code-complexity';

const LANGUAGES = { typescript: 'ts', tsx: 'tsx', javascript: 'js', jsx: 'jsx' } as const;
const SCRIPT_KINDS = {
  ts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
} as const;

const input = z.strictObject({
  code: z.string().min(1).max(500_000).describe('the source code to check'),
  language: z
    .enum(['typescript', 'tsx', 'javascript', 'jsx'])
    .default('typescript')
    .describe('how to parse the code'),
});

export interface CodeDiagnostic {
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface CodeCheckResult {
  ok: boolean;
  diagnostics: CodeDiagnostic[];
  functions: FunctionComplexity[];
  maxNesting: number;
  maxComplexity: number;
}

/** Syntax diagnostics (TypeScript's own parser) and complexity of one JS/TS file. */
export function checkCode(code: string, language: keyof typeof LANGUAGES): CodeCheckResult {
  const extension = LANGUAGES[language];
  const fileName = `input.${extension}`;
  const file = ts.createSourceFile(
    fileName,
    code,
    ts.ScriptTarget.Latest,
    true,
    SCRIPT_KINDS[extension],
  );
  const options: ts.CompilerOptions = {
    noLib: true,
    noResolve: true,
    allowJs: true,
    jsx: ts.JsxEmit.Preserve,
  };
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === fileName ? file : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = program.getSyntacticDiagnostics(file).map((d) => {
    const at = file.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      line: at.line + 1,
      column: at.character + 1,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
  const { functions, maxNesting } = measureComplexity(file);
  const maxComplexity = Math.max(0, ...functions.map((f) => f.complexity));
  return { ok: diagnostics.length === 0, diagnostics, functions, maxNesting, maxComplexity };
}

@LocalTool({
  name: 'code_check',
  description:
    'Checks JavaScript or TypeScript source: syntax errors with line and column (TypeScript ' +
    'parser), cyclomatic complexity of each function and the deepest nesting. Use it on code ' +
    'before giving it as an answer.',
  input,
  privacyCompatible: true,
  timeoutMs: 15_000,
  maxOutputBytes: 256 * 1024,
})
export class CodeCheckTool implements LocalToolHandler<typeof input> {
  async run(args: z.output<typeof input>): Promise<ToolOutput> {
    const result = checkCode(args.code, args.language);
    return { content: JSON.stringify(result), data: result };
  }
}
