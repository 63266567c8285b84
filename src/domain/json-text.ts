import { ValidationError } from './errors';

/**
 * JSON text → value; a syntax error names the line and column (`profiles.json is not valid JSON: line 5,
 * column 3: …`). JSON.parse's own messages differ between Node versions and often carry no position.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch {
    const { pos, reason } = locateJsonError(body);
    const before = body.slice(0, pos).split('\n');
    const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    throw new ValidationError(
      source,
      `${where}: ${reason}`,
      `${source} is not valid JSON: ${where}: ${reason}`,
    );
  }
}

/** A small JSON reader used only to explain a failure: where the text stops being JSON, and why. */
function locateJsonError(text: string): { pos: number; reason: string } {
  let i = 0;
  const fail = (reason: string): never => {
    throw Object.assign(new Error(reason), { pos: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const found = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('a text runs past the end of its line (missing closing ")');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('a text is not closed (missing ")');
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return str();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(`expected a value, found ${found()}${ch === "'" ? ' (JSON needs double quotes)' : ''}`);
    i += (m as RegExpExecArray)[0].length;
  };
  const container = (close: string, isObject: boolean): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (isObject) {
        if (text[i] === close) fail(`a comma before ${close} is not allowed in JSON`);
        if (text[i] !== '"') fail(`expected a "quoted" setting name, found ${found()}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected : after the setting name, found ${found()}`);
        i++;
      } else if (text[i] === close) fail(`a comma before ${close} is not allowed in JSON`);
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`expected , or ${close}, found ${found()}${text[i] === '"' ? ' (a comma is missing)' : ''}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    return { pos: text.length, reason: 'not valid JSON' };
  } catch (err) {
    return { pos: (err as { pos: number }).pos, reason: (err as Error).message };
  }
}
