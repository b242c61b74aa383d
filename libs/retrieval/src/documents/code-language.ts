/** File extensions of source code and the language each names. */
const EXTENSIONS: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  php: 'php',
  swift: 'swift',
  scala: 'scala',
  sh: 'shell',
  bash: 'shell',
  sql: 'sql',
  lua: 'lua',
  r: 'r',
  dart: 'dart',
};

/** Content signals per language: each matching pattern adds its weight. */
const SIGNALS: Record<string, [RegExp, number][]> = {
  typescript: [
    [/^\s*(export\s+)?(interface|type)\s+\w+/m, 3],
    [/:\s*(string|number|boolean|void|unknown|Promise<)/, 3],
    [/^\s*import\s+.*\s+from\s+['"]/m, 1],
    [/\b(readonly|implements|as const|private|public)\b/, 1],
  ],
  javascript: [
    [/^\s*import\s+.*\s+from\s+['"]/m, 1],
    [/\brequire\(['"]/, 2],
    [/\b(const|let|var)\s+\w+\s*=/, 1],
    [/\bfunction\s*\w*\s*\(/, 1],
    [/=>/, 1],
  ],
  python: [
    [/^\s*def\s+\w+\s*\(.*\)\s*(->\s*[\w[\], .]+)?:\s*$/m, 3],
    [/^\s*class\s+\w+(\(.*\))?:\s*$/m, 3],
    [/^\s*(from\s+[\w.]+\s+)?import\s+[\w.]+(\s+as\s+\w+)?\s*$/m, 2],
    [/\b(self|elif|None|True|False)\b/, 1],
    [/^if __name__ == ['"]__main__['"]:/m, 3],
  ],
  go: [
    [/^package\s+\w+\s*$/m, 4],
    [/^func\s+(\(\w+\s+\*?\w+\)\s*)?\w+\(/m, 3],
    [/:=/, 1],
  ],
  rust: [
    [/^\s*(pub\s+)?fn\s+\w+/m, 3],
    [/\blet\s+mut\b/, 2],
    [/^\s*(impl|use\s+\w+::|mod\s+\w+;)/m, 2],
  ],
  java: [
    [/\bpublic\s+(static\s+)?(class|void|interface)\b/, 3],
    [/\bSystem\.out\./, 3],
    [/^import\s+java\./m, 3],
  ],
  csharp: [
    [/^using\s+System(\.\w+)*;/m, 4],
    [/^\s*namespace\s+[\w.]+/m, 2],
  ],
  c: [
    [/^#include\s*[<"]/m, 3],
    [/\bint\s+main\s*\(/, 2],
  ],
  cpp: [
    [/\bstd::/, 3],
    [/^#include\s*<(iostream|vector|string)>/m, 3],
  ],
  ruby: [
    [/^\s*def\s+\w+[^:]*$/m, 1],
    [/^\s*end\s*$/m, 2],
    [/^require\s+['"]/m, 2],
  ],
  php: [[/<\?php/, 6]],
  shell: [
    [/^#!.*\b(ba|z)?sh\b/, 6],
    [/^\s*(echo|export|fi|done|esac)\b/m, 1],
  ],
  sql: [[/\b(SELECT\s+.+\s+FROM|CREATE\s+TABLE|INSERT\s+INTO)\b/i, 4]],
};

/** The language a file extension names, if it is a code extension. */
export function languageFromFilename(filename: string | undefined): string | undefined {
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext ? EXTENSIONS[ext] : undefined;
}

/**
 * The likely language of a source text: the filename's extension when it names one, else the
 * language whose content signals score highest (undefined when none scores).
 */
export function guessCodeLanguage(text: string, filename?: string): string | undefined {
  const byName = languageFromFilename(filename);
  if (byName) return byName;
  let best: string | undefined;
  let bestScore = 0;
  for (const [language, signals] of Object.entries(SIGNALS)) {
    const score = signals.reduce((sum, [re, w]) => sum + (re.test(text) ? w : 0), 0);
    if (score > bestScore) [best, bestScore] = [language, score];
  }
  return bestScore >= 2 ? best : undefined;
}
