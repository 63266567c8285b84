/**
 * The one rule for the shop's logo (Settings upload, printed vouchers, portal): a `data:` URL holding a
 * PNG or JPEG, recognised by its bytes and not only its label, at most 100 KB.
 */
const LOGO_MAX_BYTES = 100 * 1024;
const LOGO_RE = /^data:(image\/png|image\/jpeg);base64,([A-Za-z0-9+/]+={0,2})$/;
const LOGO_MAX_CHARS = Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 64;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What is wrong with a logo data URL, in the owner's words, or null when it is fine. */
export function logoProblem(dataUrl: string): string | null {
  const m = dataUrl.length <= LOGO_MAX_CHARS * 2 ? LOGO_RE.exec(dataUrl) : null;
  if (!m) return 'choose a PNG or JPEG image';
  const bytes = Buffer.from(m[2], 'base64');
  if (bytes.length > LOGO_MAX_BYTES)
    return `the image is ${Math.ceil(bytes.length / 1024)} KB; use at most 100 KB`;
  const png = bytes.subarray(0, 8).equals(PNG_MAGIC);
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if ((m[1] === 'image/png' && !png) || (m[1] === 'image/jpeg' && !jpeg))
    return 'the file is not a valid PNG or JPEG image';
  return null;
}

/**
 * The stored logo only if it passes the same rule; re-checked every time it is rendered, so an `<img src>`
 * never receives `javascript:`, `data:text/html` or an external URL, whatever ended up in the database.
 */
export function safeLogo(value: unknown): string | null {
  return typeof value === 'string' && logoProblem(value) === null ? value : null;
}
