import path from 'node:path';
import { loadConfig, describeConfig } from '../../src/config/env';
import { ConfigError } from '../../src/domain/errors';
import { PROJECT_ROOT } from '../../src/lib/paths';

describe('configuration', () => {
  it('has documented defaults and an empty ROUTER_HOST means the built-in simulator', () => {
    const c = loadConfig({});
    expect(c.port).toBe(5000);
    expect(c.bind).toBe('0.0.0.0');
    expect(c.databaseFile).toBe(path.join(PROJECT_ROOT, 'data/pisonet.sqlite'));
    expect(c.router).toMatchObject({ simulated: true, port: 8728, tls: false, timeoutSeconds: 10 });
    expect(c.hotspotServer).toBe('all');
    expect(c.hotspotUserProfile).toBe('default');
    expect(c.usagePollSeconds).toBe(30);
    expect(c.profilesFile).toBe(path.join(PROJECT_ROOT, 'profiles.json'));
  });

  it('shares the database between servers only on PostgreSQL, and only when asked', () => {
    expect(loadConfig({}).controllerMode).toBe('exclusive');
    expect(
      loadConfig({ CONTROLLER_MODE: 'shared', DATABASE_URL: 'postgres://p:secret@db.lan:5432/pisonet' })
        .controllerMode,
    ).toBe('shared');
    expect(() => loadConfig({ CONTROLLER_MODE: 'shared' })).toThrow(
      /CONTROLLER_MODE: shared needs a PostgreSQL DATABASE_URL/,
    );
    expect(() => loadConfig({ CONTROLLER_MODE: 'both' })).toThrow(
      /CONTROLLER_MODE: must be exclusive or shared/,
    );
  });

  it('uses port 8729 for api-ssl unless ROUTER_PORT is set', () => {
    expect(loadConfig({ ROUTER_HOST: '192.168.88.1', ROUTER_TLS: 'true' }).router.port).toBe(8729);
    expect(
      loadConfig({ ROUTER_HOST: '192.168.88.1', ROUTER_TLS: 'true', ROUTER_PORT: '9000' }).router.port,
    ).toBe(9000);
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: 'http',
        USAGE_POLL_SECONDS: '0',
        ROUTER_TLS: 'maybe',
        TZ: 'Mars/Olympus',
        DATABASE_URL: 'postgres://x',
        ADMIN_API_TOKEN: 'short',
        ADMIN_ALLOW: '192.168.88.0/33',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'USAGE_POLL_SECONDS',
      'ROUTER_TLS',
      'TZ',
      'DATABASE_URL',
      'ADMIN_API_TOKEN',
      'ADMIN_ALLOW: "192.168.88.0/33"',
    ]) {
      expect(problems).toContain(name);
    }
    expect((err as ConfigError).problems.length).toBe(7);
  });

  it('takes HOTSPOT_LOGIN_URL only as an http(s) address and WIFI_NAME as one short line', () => {
    expect(loadConfig({}).hotspotLoginUrl).toBe('');
    expect(loadConfig({ HOTSPOT_LOGIN_URL: ' http://wifi.shop/login ' }).hotspotLoginUrl).toBe(
      'http://wifi.shop/login',
    );
    expect(loadConfig({ WIFI_NAME: 'AlingNena-WiFi' }).wifiName).toBe('AlingNena-WiFi');
    let err: unknown;
    try {
      loadConfig({ HOTSPOT_LOGIN_URL: 'wifi.shop/login', WIFI_NAME: 'x'.repeat(33), PORT: 'http' });
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('HOTSPOT_LOGIN_URL: must be an http:// or https:// address');
    expect(problems.join('\n')).toContain('WIFI_NAME');
    for (const bad of [
      'javascript:alert(1)',
      'ftp://wifi.shop/login',
      'http://user:pw@wifi.shop/login',
      'http://',
    ])
      expect(() => loadConfig({ HOTSPOT_LOGIN_URL: bad })).toThrow(/HOTSPOT_LOGIN_URL/);
  });

  it('rejects a malformed ADMIN_ALLOW entry', () => {
    expect(() => loadConfig({ ADMIN_ALLOW: '192.168.88.0/24, not-a-cidr' })).toThrow(
      /ADMIN_ALLOW: "not-a-cidr"/,
    );
    for (const bad of ['192.168.88.0/33', '10.0.0.256', '::1', '10.0.0.0/8/8'])
      expect(() => loadConfig({ ADMIN_ALLOW: bad })).toThrow(`ADMIN_ALLOW: "${bad}" is not an IPv4`);
    expect(loadConfig({ ADMIN_ALLOW: '192.168.88.0/24, 127.0.0.1 10.0.0.5/8' }).admin.allow).toEqual([
      '192.168.88.0/24',
      '127.0.0.1/32',
      '10.0.0.0/8',
    ]);
  });

  it('resolves relative paths against the project folder, not the working directory', () => {
    const c = loadConfig({ DATABASE_URL: 'sqlite:./data/x.sqlite', PROFILES_FILE: 'p.json' }, '/srv/pisonet');
    expect(c.databaseFile).toBe('/srv/pisonet/data/x.sqlite');
    expect(c.profilesFile).toBe('/srv/pisonet/p.json');
    expect(c.dataDir).toBe('/srv/pisonet/data');
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/p.sqlite' }, '/srv').databaseFile).toBe(
      '/var/lib/p.sqlite',
    );
  });

  it('masks secrets when describing the effective configuration', () => {
    const d = describeConfig(
      loadConfig({ ROUTER_PASSWORD: 'hunter2', ADMIN_PASSWORD: 'pw', ADMIN_API_TOKEN: 'x'.repeat(20) }),
    );
    expect(JSON.stringify(d)).not.toMatch(/hunter2|xxxxxxxx/);
    expect(d.ROUTER_PASSWORD).toBe('********');
  });

  it("shows SIMULATOR_PORT, and PayMongo as the demo's fake where the demo fakes it", () => {
    const demo = describeConfig(loadConfig({ SIMULATOR_PORT: '18811' }));
    expect(demo.SIMULATOR_PORT).toBe("18811 (the demo router's API port on 127.0.0.1)");
    expect(demo.PAYMONGO_SECRET_KEY).toBe('demo (fake PayMongo on loopback)');
    // Once the fake started it holds its own key: still the demo's.
    const started = loadConfig({});
    started.payments = {
      ...started.payments,
      secretKey: 'sk_test_demo0123abcd',
      apiUrl: 'http://127.0.0.1:1',
    };
    expect(describeConfig(started).PAYMONGO_SECRET_KEY).toBe('demo (fake PayMongo on loopback)');
    // The owner's own key in the demo: PayMongo itself (its test mode), the key masked.
    const own = describeConfig(loadConfig({ PAYMONGO_SECRET_KEY: 'sk_test_abcdefgh12345678' }));
    expect(own.PAYMONGO_SECRET_KEY).toBe('sk_test_********');
    const shop = describeConfig(loadConfig({ ROUTER_HOST: '192.168.88.1' }));
    expect(shop.SIMULATOR_PORT).toBe('18728 (not used: ROUTER_HOST is set)');
    expect(shop.PAYMONGO_SECRET_KEY).toBe('(not set: online payments off)');
  });

  describe('DATABASE_URL on PostgreSQL', () => {
    it('takes postgres:// and postgresql:// URLs with the engine, the connection and sslmode', () => {
      const c = loadConfig({ DATABASE_URL: 'postgres://shop:s3cr%40t@db.lan:6543/pisonet?sslmode=require' });
      expect(c.database).toMatchObject({
        engine: 'postgres',
        host: 'db.lan',
        port: 6543,
        user: 'shop',
        password: 's3cr@t',
        database: 'pisonet',
        sslmode: 'require',
        ssl: { rejectUnauthorized: false },
        shown: 'postgres://shop:***@db.lan:6543/pisonet?sslmode=require',
      });
      expect(c.databaseFile).toBe('');
      const plain = loadConfig({ DATABASE_URL: 'postgresql://shop@localhost/pisonet' }).database;
      expect(plain).toMatchObject({
        engine: 'postgres',
        port: 5432,
        ssl: false,
        shown: 'postgresql://shop@localhost/pisonet',
      });
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@h/d?sslmode=verify-full' }).database).toMatchObject({
        ssl: { rejectUnauthorized: true },
      });
      expect(
        loadConfig({ DATABASE_URL: 'postgres://u@localhost/d?host=/run/postgresql' }).database,
      ).toMatchObject({
        host: '/run/postgresql',
      });
    });

    it("never shows the password: not in a bad URL's error, not in the configuration listing", () => {
      const bad = [
        'postgres://shop:hunter2@db.lan:5432/',
        'postgres://shop:hunter2@db.lan:5432/pisonet?sslmode=sometimes',
        'postgres://shop:hunter2@db.lan:99999/pisonet',
        'postgres://shop:hunter2@db.lan/pisonet?application=x',
        'mysql://shop:hunter2@db.lan/pisonet',
        'postgres://:hunter2@db.lan/pisonet',
      ];
      for (const url of bad) {
        let err: unknown;
        try {
          loadConfig({ DATABASE_URL: url });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ConfigError);
        const message = (err as ConfigError).message;
        expect(message).toContain('DATABASE_URL');
        expect(message).not.toContain('hunter2');
        expect(message).toContain(':***@');
      }
      expect(() =>
        loadConfig({ DATABASE_URL: 'postgres://shop:hunter2@db.lan/pisonet?sslmode=sometimes' }),
      ).toThrow(/sslmode must be one of disable, require, verify-ca, verify-full/);
      const d = describeConfig(loadConfig({ DATABASE_URL: 'postgres://shop:hunter2@db.lan/pisonet' }));
      expect(d.DATABASE_URL).toBe('postgres://shop:***@db.lan/pisonet');
      expect(JSON.stringify(d)).not.toContain('hunter2');
    });
  });
});
