/**
 * The captive portal's pages, a shop's busiest, compile their templates once (as the admin's do outside
 * development), not at every request: the second visit to /portal and /portal/status compiles nothing and
 * shows the same page.
 */
import ejs from 'ejs';
import { createHarness, Harness } from '../helpers/harness';

describe("the portal's templates", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  // The form's token and its cookie change with each visit; the rest of the page is the same.
  const page = async (path: string) => {
    const res = await fetch(`${h.app!.url}${path}`);
    expect(res.status).toBe(200);
    return (await res.text()).replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
  };

  it.each(['/portal?mac=AA:BB:CC:DD:EE:01&ip=10.5.50.9', '/portal/status'])(
    '%s compiles its templates on the first visit only',
    async (path) => {
      const compile = jest.spyOn(ejs, 'compile');
      try {
        const first = await page(path);
        expect(compile).toHaveBeenCalled();
        compile.mockClear();
        const second = await page(path);
        expect(compile.mock.calls.map(([, options]) => options?.filename)).toEqual([]);
        expect(second).toBe(first);
      } finally {
        compile.mockRestore();
      }
    },
  );
});
