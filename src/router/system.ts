/**
 * What the product reads of a router's system and of its hotspot at a glance: its lasting id, its identity, its
 * resources, how many are logged in, and the FastTrack rules that would bypass the queues. The services ask here
 * in the shop's words and never spell a menu themselves.
 */
import type { RosRow, RouterClient } from './types';

/**
 * The router's lasting id and its identity, in one round trip: an id that survives a configuration reset
 * (`software-id` on a RouterBOARD, `system-id` on a CHR; the identity only as a fallback).
 */
export async function readRouterId(router: RouterClient): Promise<{ id: string; identity: string }> {
  const [license, identity] = await Promise.all([
    router.command('/system/license/print'),
    router.command('/system/identity/print'),
  ]);
  const name = identity[0]?.name ?? '';
  const id = license[0]?.['software-id'] || license[0]?.['system-id'] || `identity:${name}`;
  return { id, identity: name };
}

/** The router's identity row (`name`). */
export async function readIdentity(router: RouterClient): Promise<RosRow | undefined> {
  return (await router.command('/system/identity/print'))[0];
}

/** The router's resource row (`version`, `board-name`, `uptime`, `cpu-load`, `free-memory`, ...). */
export async function readResource(router: RouterClient): Promise<RosRow | undefined> {
  return (await router.command('/system/resource/print'))[0];
}

/** The router's identity and how many are logged in to its hotspot, read together. */
export async function readGlance(router: RouterClient): Promise<{ identity?: string; online: number }> {
  const [identity, active] = await Promise.all([
    router.print('/system/identity', { proplist: ['name'] }),
    router.print('/ip/hotspot/active', { proplist: ['.id'] }),
  ]);
  return { identity: identity[0]?.name, online: active.length };
}

/** The enabled FastTrack rules of the router's firewall, with what tells whether they catch hotspot customers. */
export function readFastTrackRules(router: RouterClient): Promise<RosRow[]> {
  return router.print('/ip/firewall/filter', {
    proplist: ['.id', 'chain', 'action', 'disabled', 'hotspot', 'comment'],
    query: ['action=fasttrack-connection', 'disabled=false'],
  });
}

/** What the owner types at the router's terminal to turn FastTrack off. */
export const FASTTRACK_FIX = '/ip firewall filter set [find action=fasttrack-connection] disabled=yes';

/** What the owner types at the router's terminal to rename a queue the controller would otherwise need. */
export const queueRenameFix = (name: string, newName: string): string =>
  `/queue simple set [find name="${name}"] name="${newName}"`;
