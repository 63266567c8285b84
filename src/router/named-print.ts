/**
 * Reading rows by name (or by any one property) without a sentence that grows with the list: a `print` whose query
 * ORs one equality per value (`?name=A ?name=B ?#| ?name=C ?#| …`, docs/routeros.md "Queries"), 100 values a
 * print, the prints sent at once. RouterOS tests every item of the menu against the query and sends only the rows
 * named, so the rows read are those asked for. 100 values (199 words) is our bound: MikroTik documents none, and a
 * query of thousands of values (a mass fair-use crossing names every queue that crossed) is one sentence of
 * thousands of words that each item of the menu is tested against.
 */
import type { PrintOptions, RosRow, RouterClient } from './types';

/** Values per print: a query of 100 values is 199 words. */
const NAMES_PER_PRINT = 100;

/** `?P=a ?P=b ?#| ?P=c ?#| …`: any of the values (the first OR comes after the second value). */
function anyOfQuery(values: readonly string[], property = 'name'): string[] {
  const query: string[] = [];
  for (let i = 0; i < values.length; i++) {
    query.push(`${property}=${values[i]}`);
    if (i > 0) query.push('#|');
  }
  return query;
}

/**
 * The queries that read these values, 100 a query; `and`: more words each query must also meet (ANDed after the
 * values: `?… ?dynamic=true ?#&`).
 */
function chunkedQueries(
  values: readonly string[],
  property = 'name',
  and: readonly string[] = [],
): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < values.length; i += NAMES_PER_PRINT) {
    const any = anyOfQuery(values.slice(i, i + NAMES_PER_PRINT), property);
    out.push(and.length > 0 ? [...any, ...and, '#&'] : any);
  }
  return out;
}

/**
 * The rows of `menu` whose `property` (default `name`) is one of `values`, in slices of 100 sent at once; none
 * asked, none read. `opts.query`, if any, narrows every slice (ANDed).
 */
export async function printNamed(
  router: RouterClient,
  menu: string,
  values: readonly string[],
  opts: PrintOptions & { property?: string } = {},
): Promise<RosRow[]> {
  if (values.length === 0) return [];
  const { property, query, ...rest } = opts;
  const prints = chunkedQueries(values, property, query).map((q) =>
    router.print(menu, { ...rest, query: q }),
  );
  return (await Promise.all(prints)).flat();
}
