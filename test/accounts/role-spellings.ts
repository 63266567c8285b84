/**
 * Other spellings of an address that Express sends to the same route: the whole in capitals or in mixed case,
 * each segment alone in capitals (`/subscribers/NEW`: a gate that minds case takes it for `/subscribers/:id`),
 * and each of these with one trailing slash. The address itself comes first.
 */
export function spellings(path: string): string[] {
  const segments = path.split('/');
  const oneInCapitals = segments
    .map((seg, i) => (seg === '' ? '' : segments.map((s, j) => (j === i ? s.toUpperCase() : s)).join('/')))
    .filter(Boolean);
  const mixed = [...path].map((ch, i) => (i % 2 ? ch.toUpperCase() : ch.toLowerCase())).join('');
  const forms = [path, path.toUpperCase(), mixed, ...oneInCapitals];
  return [...new Set([...forms, ...forms.map((f) => `${f}/`)])];
}
