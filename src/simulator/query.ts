/**
 * The `print` query language (docs/routeros.md "Queries"): each `?` word works on a boolean stack that starts
 * as infinite `true`s; an item passes when no `false` remains. Query words are compiled once per command.
 */

export type Row = Record<string, string>;
type Op = (row: Row, stack: boolean[]) => void;

export class QueryError extends Error {}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Element `i` from the top; below the pushed values the stack is all `true`. */
function at(stack: boolean[], i: number): boolean {
  const idx = stack.length - 1 - i;
  return idx >= 0 ? stack[idx] : true;
}

function pop(stack: boolean[]): boolean {
  return stack.length > 0 ? (stack.pop() as boolean) : true;
}

function compileStackOps(ops: string): Op {
  return (_row, stack) => {
    let i = 0;
    while (i < ops.length) {
      const c = ops[i];
      if (c >= '0' && c <= '9') {
        let j = i;
        while (j < ops.length && ops[j] >= '0' && ops[j] <= '9') j++;
        const value = at(stack, Number(ops.slice(i, j)));
        // An index at the end of the word replaces the whole stack; otherwise it pushes a copy.
        if (j === ops.length) stack.splice(0, stack.length, value);
        else stack.push(value);
        i = j;
        continue;
      }
      if (c === '!') stack.push(!pop(stack));
      else if (c === '&' || c === '|') {
        const a = pop(stack);
        const b = pop(stack);
        stack.push(c === '&' ? a && b : a || b);
      } else if (c === '.') stack.push(at(stack, 0));
      else throw new QueryError(`unknown query operation ${c}`);
      i++;
    }
  };
}

function splitNameValue(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** Compile one query word (without its leading `?`). */
function compileWord(word: string): Op {
  if (word.startsWith('#')) return compileStackOps(word.slice(1));
  const first = word[0];
  if (first === '-') {
    const name = word.slice(1);
    return (row, stack) => void stack.push(!(name in row));
  }
  if (first === '<' || first === '>') {
    const [name, value = ''] = splitNameValue(word.slice(1));
    const sign = first === '<' ? -1 : 1;
    return (row, stack) => {
      const v = row[name];
      stack.push(v !== undefined && Math.sign(compare(v, value)) === sign);
    };
  }
  const [name, value] = splitNameValue(first === '=' ? word.slice(1) : word);
  if (value === undefined) return (row, stack) => void stack.push(name in row);
  return (row, stack) => void stack.push(row[name] === value);
}

/** The property and value of an equality word (`name=x` or `=name=x`), or null for any other word. */
function equality(word: string): [string, string] | null {
  const first = word[0];
  if (first === '#' || first === '-' || first === '<' || first === '>') return null;
  const [name, value] = splitNameValue(first === '=' ? word.slice(1) : word);
  return value === undefined ? null : [name, value];
}

/**
 * The names a query asks for when it starts with an OR of `name` equalities, `name=a name=b #| name=c #| …` (or a
 * lone `name=a`), and every later word only narrows it: a word that pushes a test, or `#&`. Such a query matches
 * only items whose `name` is one of them, which a menu can find by its name index instead of testing every item;
 * the whole query is then tested on those (same rows, same order).
 * Null for any other query (an OR or a NOT that could reach past the chain).
 */
export function nameChain(words: readonly string[]): Set<string> | null {
  let i = 0;
  for (; i < words.length; i++) {
    if (i >= 2 && i % 2 === 0) {
      if (words[i] !== '#|') break;
      continue;
    }
    if (equality(words[i])?.[0] !== 'name') break;
  }
  const names = new Set<string>();
  // A chain is one name, or n names joined by `#|`: 2n - 1 words, an odd count.
  const chainEnd = i % 2 === 0 ? i - 1 : i;
  if (chainEnd < 1) return null;
  for (let k = chainEnd; k < words.length; k++) if (words[k][0] === '#' && words[k] !== '#&') return null;
  for (let k = 0; k < chainEnd; k += k === 0 ? 1 : 2) names.add(equality(words[k])![1]);
  return names;
}

/** Build a row predicate from the query words (each without `?`), in order. */
export function compileQuery(words: readonly string[]): ((row: Row) => boolean) | null {
  if (words.length === 0) return null;
  const ops = words.map(compileWord);
  return (row) => {
    const stack: boolean[] = [];
    for (const op of ops) op(row, stack);
    return stack.every((b) => b);
  };
}
