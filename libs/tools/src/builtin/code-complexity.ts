import ts from 'typescript';

export interface FunctionComplexity {
  name: string;
  line: number;
  /** McCabe: 1 + each branch (if, loop, case, catch, ?:, &&, ||, ??). */
  complexity: number;
  /** Deepest nesting of control structures inside the function. */
  maxNesting: number;
}

const NESTING = new Set([
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.SwitchStatement,
  ts.SyntaxKind.TryStatement,
  ts.SyntaxKind.CatchClause,
]);

const BRANCH_OPERATORS = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

const BRANCHES = new Set([
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.CatchClause,
  ts.SyntaxKind.ConditionalExpression,
]);

function isBranch(node: ts.Node): boolean {
  if (BRANCHES.has(node.kind)) return true;
  return ts.isBinaryExpression(node) && BRANCH_OPERATORS.has(node.operatorToken.kind);
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText();
  }
  return '(anonymous)';
}

/** Complexity of each function of a file (nested functions counted on their own). */
export function measureComplexity(file: ts.SourceFile): {
  functions: FunctionComplexity[];
  maxNesting: number;
} {
  const functions: FunctionComplexity[] = [];
  let fileMaxNesting = 0;

  // Walks one function's body (or the file's top level); nested functions start their own walk.
  const walkScope = (root: ts.Node, fn?: ts.FunctionLikeDeclaration): void => {
    let complexity = 1;
    let maxNesting = 0;
    const visit = (node: ts.Node, depth: number): void => {
      if (node !== root && ts.isFunctionLike(node) && 'body' in node && node.body) {
        walkScope(node, node);
        return;
      }
      if (isBranch(node)) complexity++;
      let inner = depth;
      // `else if` continues its `if` rather than nesting inside it.
      const elseIf =
        ts.isIfStatement(node) &&
        ts.isIfStatement(node.parent) &&
        node.parent.elseStatement === node;
      if (NESTING.has(node.kind) && !elseIf) {
        inner = depth + 1;
        maxNesting = Math.max(maxNesting, inner);
      }
      ts.forEachChild(node, (child) => visit(child, inner));
    };
    ts.forEachChild(root, (child) => visit(child, 0));
    fileMaxNesting = Math.max(fileMaxNesting, maxNesting);
    if (fn) {
      const line = file.getLineAndCharacterOfPosition(fn.getStart(file)).line + 1;
      functions.push({ name: functionName(fn), line, complexity, maxNesting });
    }
  };
  walkScope(file);
  functions.sort((a, b) => a.line - b.line);
  return { functions, maxNesting: fileMaxNesting };
}
