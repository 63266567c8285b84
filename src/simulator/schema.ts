/**
 * RouterOS 7.18.2's own command tree (`/console/inspect`, docs/routeros.md "Command tree"), loaded at runtime
 * so command and argument names are validated against what the real router accepts, not against what we
 * implemented.
 */
import { readFileSync } from 'node:fs';
import { projectPath } from '../lib/paths';

interface Node {
  _type?: string;
  [key: string]: unknown;
}

const SCHEMA_FILE = projectPath('src', 'simulator', 'schema', 'inspect-7.18.2-subset.json');

/**
 * API-only attributes that every command accepts (docs/routeros.md "Sentences and words"). `.id` is checked
 * separately.
 */
const API_ATTRS = new Set(['.tag', '.proplist', '.query']);

export class CommandSchema {
  private readonly commands = new Map<string, Set<string>>();
  private readonly dirs = new Set<string>(['']);

  constructor(tree: Node) {
    this.walk(tree, '');
  }

  static load(file = SCHEMA_FILE): CommandSchema {
    return new CommandSchema(JSON.parse(readFileSync(file, 'utf8')) as Node);
  }

  private walk(node: Node, path: string): void {
    for (const [key, child] of Object.entries(node)) {
      if (key.startsWith('_') || typeof child !== 'object' || child === null) continue;
      const c = child as Node;
      const p = `${path}/${key}`;
      if (c._type === 'cmd') {
        const args = Object.keys(c).filter((k) => !k.startsWith('_'));
        this.commands.set(p, new Set(args));
      } else {
        this.dirs.add(p);
        this.walk(c, p);
      }
    }
  }

  /**
   * Argument names a command takes, or null when RouterOS has no such command. `getall` and `listen` are
   * API-level verbs that exist wherever `print` does (docs/routeros.md "Listen, follow and interval").
   */
  args(command: string): Set<string> | null {
    const direct = this.commands.get(command);
    if (direct) return direct;
    const slash = command.lastIndexOf('/');
    const verb = command.slice(slash + 1);
    if (verb === 'getall' || verb === 'listen')
      return this.commands.get(`${command.slice(0, slash)}/print`) ?? null;
    return null;
  }

  /** The first path segment RouterOS would not find, as named in `no such command or directory (x)`. */
  unknownSegment(command: string): string {
    const parts = command.split('/').filter((p) => p !== '');
    let path = '';
    for (const part of parts) {
      const next = `${path}/${part}`;
      if (!this.dirs.has(next)) return part;
      path = next;
    }
    return parts[parts.length - 1] ?? command;
  }

  /** The first argument name that the command does not accept, if any. */
  unknownArgument(command: string, names: Iterable<string>): string | null {
    const args = this.args(command);
    if (!args) return null;
    for (const name of names) {
      if (args.has(name) || API_ATTRS.has(name)) continue;
      // `.id` is the API spelling of `numbers` (docs/routeros.md "IDs").
      if (name === '.id' && (args.has('numbers') || args.has('number'))) continue;
      return name;
    }
    return null;
  }
}
