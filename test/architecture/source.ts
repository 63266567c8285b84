/** The project's TypeScript sources as the architecture tests read them: file lists, parsed files, literals. */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');

/** Every .ts file under `dir` (a path from the project's root), as project paths ('src/lib/clock.ts'). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel.split(path.sep).join('/'));
  }
  return out;
}

const parsed = new Map<string, ts.SourceFile>();
export function source(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    sf = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(ROOT, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    parsed.set(file, sf);
  }
  return sf;
}

/** The line (from 1) a node starts on. */
export function lineOf(sf: ts.SourceFile, n: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
}

/** The text of every string literal and template part in a file (comments are not literals). */
export function literalsOf(file: string): Array<{ text: string; line: number }> {
  const sf = source(file);
  const out: Array<{ text: string; line: number }> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n))
      out.push({ text: n.text, line: lineOf(sf, n) });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
