/**
 * functions/package.json declares every module but the Lambda entry points free of import-time side effects
 * ("sideEffects"), so that esbuild leaves out of a bundle every module whose exports it does not use (a reading
 * function's bundle carries no publisher, outbox or schemas it never calls). That holds only while no such module
 * does something merely by being imported: no top-level statement other than declarations, and no import for its
 * effect alone. This checks it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const FUNCTIONS = path.resolve(__dirname, '..', '..', 'functions');

/** The globs of functions/package.json's "sideEffects" (files that may act on import), as regular expressions. */
function entryPoints(): RegExp[] {
  const { sideEffects } = JSON.parse(readFileSync(path.join(FUNCTIONS, 'package.json'), 'utf8')) as {
    sideEffects: string[];
  };
  return sideEffects.map(
    (glob) =>
      new RegExp(
        `^${glob
          .replace(/^\.\//, '')
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '\0')
          .replace(/\*/g, '[^/]*')
          .replace(/\0/g, '.*')}$`,
      ),
  );
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const DECLARATIONS = new Set([
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.EmptyStatement,
]);

/** The top-level statements of `file` that act when it is imported. */
function actionsOnImport(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  return source.statements
    .filter((statement) =>
      ts.isImportDeclaration(statement) ? !statement.importClause : !DECLARATIONS.has(statement.kind),
    )
    .map((statement) => {
      const { line } = source.getLineAndCharacterOfPosition(statement.getStart());
      return `${path.relative(FUNCTIONS, file)}:${line + 1}: ${statement.getText().split('\n')[0]}`;
    });
}

describe('functions/ modules other than the entry points', () => {
  it('do nothing when imported (functions/package.json says so to esbuild)', () => {
    const entries = entryPoints();
    const modules = typeScriptFiles(FUNCTIONS).filter(
      (file) =>
        !entries.some((entry) => entry.test(path.relative(FUNCTIONS, file).split(path.sep).join('/'))),
    );
    expect(modules.length).toBeGreaterThan(100);
    expect(modules.flatMap(actionsOnImport)).toEqual([]);
  });

  it('include the handlers, which act on import (e.g. the fraud consumer loads its model)', () => {
    const entries = entryPoints();
    expect(entries.some((entry) => entry.test('fraud/handlers/consumer.ts'))).toBe(true);
    expect(actionsOnImport(path.join(FUNCTIONS, 'fraud', 'handlers', 'consumer.ts'))).not.toEqual([]);
  });
});
