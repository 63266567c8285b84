/**
 * An ordered RouterOS menu: items in list order (simple queues are first-match, docs/routeros.md "Order"),
 * indexed by `.id` and by name so 10,000 items stay fast. `.id`s are `*HEX`, upper-case, monotonic and never
 * reused (✖ docs/routeros.md "IDs"); the counter is persisted so they are stable across restarts.
 */
import { CATEGORY_NO_SUCH_ITEM, MSG_NO_SUCH_ITEM, Trap } from './messages';

export interface Item {
  id: string;
  /** Configuration as RouterOS prints it (normalised at input). */
  cfg: Record<string, string>;
  dynamic?: boolean;
}

type ChangeKind = 'set' | 'remove';
type ChangeListener<T> = (kind: ChangeKind, item: T) => void;

export class Table<T extends Item> {
  private items: T[] = [];
  private readonly byId = new Map<string, T>();
  private readonly byName = new Map<string, T>();
  private readonly listeners = new Set<ChangeListener<T>>();
  nextId = 1;

  constructor(readonly menu: string) {}

  get list(): readonly T[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  newId(): string {
    return `*${(this.nextId++).toString(16).toUpperCase()}`;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  byNameGet(name: string): T | undefined {
    return this.byName.get(name);
  }

  /** An `.id` or, like RouterOS's `numbers`, an item name. */
  find(ref: string): T | undefined {
    return this.byId.get(ref) ?? this.byName.get(ref);
  }

  /** `numbers` / `.id`: a comma list of ids or names; any unknown one fails the whole command. */
  resolveList(refs: string): T[] {
    const out: T[] = [];
    for (const ref of refs.split(',')) {
      if (ref === '') continue;
      const item = this.find(ref);
      if (!item) throw new Trap(MSG_NO_SUCH_ITEM, CATEGORY_NO_SUCH_ITEM);
      out.push(item);
    }
    return out;
  }

  insert(item: T, before?: T): void {
    if (before) this.items.splice(this.indexOf(before), 0, item);
    else this.items.push(item);
    this.byId.set(item.id, item);
    if (item.cfg.name !== undefined) this.byName.set(item.cfg.name, item);
    this.emit('set', item);
  }

  remove(item: T): void {
    const i = this.indexOf(item);
    if (i < 0) return;
    this.items.splice(i, 1);
    this.byId.delete(item.id);
    if (item.cfg.name !== undefined && this.byName.get(item.cfg.name) === item)
      this.byName.delete(item.cfg.name);
    this.emit('remove', item);
  }

  /** Update config fields; keeps the name index right. */
  update(item: T, changes: Record<string, string>): void {
    if (changes.name !== undefined && changes.name !== item.cfg.name) {
      if (item.cfg.name !== undefined) this.byName.delete(item.cfg.name);
      this.byName.set(changes.name, item);
    }
    Object.assign(item.cfg, changes);
    this.emit('set', item);
  }

  /** Move items (keeping their relative order) before `before`, or to the end. */
  move(moving: T[], before?: T): void {
    const set = new Set(moving);
    if (before && set.has(before)) return;
    const rest = this.items.filter((i) => !set.has(i));
    const ordered = this.items.filter((i) => set.has(i));
    const at = before ? rest.indexOf(before) : rest.length;
    rest.splice(at, 0, ...ordered);
    this.items = rest;
    for (const i of ordered) this.emit('set', i);
  }

  indexOf(item: T): number {
    return this.items.indexOf(item);
  }

  clear(filter: (item: T) => boolean = () => true): void {
    for (const item of this.items.filter(filter)) this.remove(item);
  }

  onChange(listener: ChangeListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell `listen` subscribers an item changed outside update() (e.g. counters). */
  emit(kind: ChangeKind, item: T): void {
    for (const l of this.listeners) l(kind, item);
  }
}
