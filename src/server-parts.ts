/**
 * The server's long-running parts (src/jobs/parts.ts), in the order the composition root (src/app.ts) starts
 * them: the web app first, so the demo's coin board can register with it, and stopped last, so requests drain
 * while the jobs finish their runs; then the default site's poll, the demo's pieces, and the schedulers. Each
 * job starts with a run right away, then keeps its cadence.
 */
import type { AppConfig } from './config/env';
import type { Core } from './core';
import { onReconnect } from './jobs/check-runner';
import type { Part } from './jobs/parts';
import { PeriodicJob } from './jobs/periodic';
import { startDemoGateway } from './payments/demo';
import { fakesPaymongo } from './config/env-payments';
import { backupSchedule } from './services/business/backup/schedule';
import { billingJob, billingPart } from './services/subscriptions/billing';
import { Notifier } from './services/business/notify/notifier';
import { startDemoVendo, type DemoVendo } from './vendo-sim/demo';
import { startDemoSubscribers, type DemoSubscribers } from './demo/subscribers';
import { startDemoRouterSetup, type DemoRouterSetup } from './demo/router-setup';

/** Demo mode's simulated coin board and payment gateway, once started (the web app shows the board). */
export interface DemoPieces {
  vendo?: DemoVendo;
  gateway?: { stop(): Promise<void> };
  /** The demo's two PPPoE subscribers and their CPEs (src/demo/subscribers.ts). */
  subscribers?: DemoSubscribers;
  /** The demo router set up once as `router setup --apply` would (src/demo/router-setup.ts). */
  routerSetup?: DemoRouterSetup;
}

/** One SMS round, said in the log when it queued or sent anything (failures are logged by the sender). */
async function runSms(core: Core): Promise<void> {
  const r = await core.services.sms.run();
  if (r.queued > 0 || r.sent > 0)
    core.log.info(
      { module: 'sms', queued: r.queued, sent: r.sent, calls: r.calls },
      `SMS: ${r.queued} queued, ${r.sent} sent in ${r.calls} call(s)`,
    );
}

/** What the billing run works on: the core's scheduled subscribers, invoices and suspensions. */
const billingRun = (core: Core) => ({
  subscribers: core.services.subscribers,
  invoices: core.services.invoices,
  suspensions: core.services.suspensions,
  log: core.log,
});

/** A job every `seconds` on the core's clock. */
export function periodicJob(
  core: Core,
  name: string,
  seconds: number,
  run: () => Promise<void>,
  log = core.log,
) {
  return new PeriodicJob(name, seconds, run, log, () => core.clock.now());
}

type ServerJobs = ReturnType<typeof serverJobs>;

/** The server's jobs on the core's services, not started. */
export function serverJobs(config: AppConfig, core: Core) {
  const { log, services } = core;
  // SMS to subscribers (src/services/subscriptions/sms): the outbox filled from the facts and sent; off without a key.
  const smsJob = periodicJob(core, 'sms', 15, () => runSms(core), log.child({ module: 'sms' }));
  return {
    // The default site's poll job (src/services/network/site-stack): the owner's interval from Settings, the
    // shop's settings changed in the terminal reloaded before each run, a full cycle on every reconnect.
    usageJob: core.defaultStack.pollJob!,
    // FastTrack and the like: checked hourly, and at every (re)connect since the router may have been
    // reconfigured or replaced while we were away.
    checksJob: periodicJob(
      core,
      'router-checks',
      3600,
      async () => void (await services.routerChecks.check()),
      log.child({ module: 'jobs' }),
    ),
    // Online payments (src/services/shop/payments): pending checkouts read until they are paid or expire, and paid
    // vouchers' logins retried (a router that was down, a phone that came back).
    paymentsJob: periodicJob(
      core,
      'payments-poll',
      15,
      () => services.payments.poll(),
      log.child({ module: 'payments' }),
    ),
    // Notifications to the owner: the watch, the sender and the day's sales (src/services/business/notify).
    notifier: new Notifier({
      db: core.db,
      clock: core.clock,
      log,
      tz: () => config.tz,
      parts: core.notify,
      sites: services.sites,
      reports: services.reports,
    }),
    // Every hour on the hour, so each site's midnight is met whatever its time zone; a run issues only what is owed
    // by then, so the other 23 find nothing. The part runs it once at start too: the catch-up after days off.
    billingJob: billingJob(billingRun(core), {
      tz: () => config.tz,
      now: () => core.clock.now(),
      // The new invoices' SMS go now rather than at the next tick.
      after: () => smsJob.runNow(),
    }),
    smsJob,
    // Scheduled backups (none when BACKUP_EVERY is off), off the poll: a failing one is logged and shown, never fatal.
    backupJob: backupSchedule(services.backups, {
      everySeconds: config.backup.everySeconds,
      tz: () => config.tz,
      now: () => core.clock.now(),
      log: log.child({ module: 'backup' }),
    }),
  };
}

/**
 * The demo's own pieces: on a simulated router its vendo, router setup and subscribers; without a PayMongo key a
 * simulated gateway on loopback (src/payments/demo.ts), so Pay can be tried. One that does not start is logged.
 */
function demoParts(config: AppConfig, core: Core, p: { url: string; demo: DemoPieces }): Part[] {
  const { log } = core;
  const orLogged = <T>(started: Promise<T>, module: string, what: string) =>
    started.catch((err: Error) => {
      log.warn({ module, err: err.message }, `the demo ${what} did not start`);
      return undefined;
    });
  const parts: Part[] = [];
  if (config.router.simulated)
    parts.push(
      {
        name: 'demo-vendo',
        async start() {
          p.demo.vendo = await orLogged(
            startDemoVendo(core, p.url, log.child({ module: 'vendo' })),
            'vendo',
            'vendo',
          );
        },
        stop: () => p.demo.vendo?.stop(),
      },
      {
        name: 'demo-router-setup',
        start() {
          p.demo.routerSetup = startDemoRouterSetup(core, log.child({ module: 'demo-router' }));
        },
        stop: () => p.demo.routerSetup?.stop(),
      },
      {
        name: 'demo-subscribers',
        start() {
          p.demo.subscribers = startDemoSubscribers(core, log.child({ module: 'demo-subscribers' }));
        },
        stop: () => p.demo.subscribers?.stop(),
      },
    );
  if (fakesPaymongo(config))
    parts.push({
      name: 'demo-gateway',
      async start() {
        p.demo.gateway = await orLogged(startDemoGateway(config, p.url), 'payments', 'payment gateway');
      },
      stop: () => p.demo.gateway?.stop(),
    });
  return parts;
}

/** The parts, in start order. */
export function serverParts(
  config: AppConfig,
  core: Core,
  p: ServerJobs & { web: Part; url: string; demo: DemoPieces; sweepJob: PeriodicJob },
): Part[] {
  const job = (name: string, j: { start(): void; stop(): Promise<void> }): Part => ({
    name,
    start: () => j.start(),
    stop: () => j.stop(),
  });
  /** A job that also runs at once on an event: `listen` subscribes `run` to it and returns its unsubscribe. */
  const jobOn = (name: string, j: PeriodicJob, listen: (run: () => void) => () => void): Part => {
    let unlisten: (() => void) | undefined;
    return {
      name,
      start() {
        unlisten = listen(() => void j.runNow());
        j.start();
      },
      async stop() {
        unlisten?.();
        await j.stop();
      },
    };
  };
  return [
    p.web,
    {
      name: 'usage-poll',
      start: () => core.defaultStack.startPoll(),
      stop: () => core.defaultStack.stopPoll(),
    },
    ...demoParts(config, core, p),
    job('session-sweep', p.sweepJob),
    jobOn('router-checks', p.checksJob, (run) => onReconnect(core.router, run)),
    job('payments-poll', p.paymentsJob),
    job('notifier', p.notifier),
    billingPart(billingRun(core), p.billingJob),
    // After billing: the catch-up's invoices are issued before the first round looks for their SMS.
    // A payment's SMS (and its balance) goes at once rather than at the next tick.
    jobOn('sms', p.smsJob, (run) => core.services.invoices.onPayment(run)),
    ...(p.backupJob ? [job('backups', p.backupJob)] : []),
  ];
}
