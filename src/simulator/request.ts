/** One API request sentence, parsed (docs/routeros.md "Sentences and words"), and reply sentence building. */
import { encodeSentenceString } from './wire';

export interface Request {
  command: string;
  /** Non-empty `.tag`, accepted anywhere in the sentence. */
  tag?: string;
  /** `=name=value` attributes (value may be empty or contain `=`). */
  attrs: Map<string, string>;
  /** `?…` query words without the `?`, in order. */
  queries: string[];
}

export function parseRequest(words: readonly string[]): Request {
  const req: Request = { command: words[0], attrs: new Map(), queries: [] };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('=')) {
      const eq = w.indexOf('=', 1);
      if (eq < 0) req.attrs.set(w.slice(1), '');
      else req.attrs.set(w.slice(1, eq), w.slice(eq + 1));
    } else if (w.startsWith('.tag=')) {
      const tag = w.slice(5);
      if (tag !== '') req.tag = tag;
    } else if (w.startsWith('?')) {
      req.queries.push(w.slice(1));
    }
    // Anything else is ignored, like RouterOS ignores words it does not understand in the API layer.
  }
  return req;
}

export type TagPosition = 'first' | 'last';

/** Builds reply sentences as latin1 strings so a whole batch becomes one Buffer and one write. */
export class ReplyBuilder {
  private out = '';
  constructor(
    private readonly tag: string | undefined,
    private readonly tagPosition: TagPosition,
  ) {}

  /** `word` then attributes (`name=value` pairs become `=name=value` words). */
  sentence(word: string, attrs: readonly string[] = []): this {
    const words = [word];
    if (this.tag !== undefined && this.tagPosition === 'first') words.push(`.tag=${this.tag}`);
    for (const a of attrs) words.push(a);
    if (this.tag !== undefined && this.tagPosition === 'last') words.push(`.tag=${this.tag}`);
    this.out += encodeSentenceString(words);
    return this;
  }

  row(row: Record<string, string>, proplist?: readonly string[]): this {
    const attrs: string[] = [];
    if (proplist) {
      for (const name of proplist) if (name in row) attrs.push(`=${name}=${row[name]}`);
    } else {
      for (const name in row) attrs.push(`=${name}=${row[name]}`);
    }
    return this.sentence('!re', attrs);
  }

  trap(message: string, category?: number): this {
    const attrs =
      category !== undefined ? [`=category=${category}`, `=message=${message}`] : [`=message=${message}`];
    return this.sentence('!trap', attrs);
  }

  done(ret?: string): this {
    return this.sentence('!done', ret !== undefined ? [`=ret=${ret}`] : []);
  }

  get text(): string {
    return this.out;
  }
}
