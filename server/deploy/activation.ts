// Safe activation over ManageSieve, as a pure plan.
//
// sievewright owns two script names, `NAME-a` and `NAME-b`, and always
// uploads into the one that is not active. The commands are pipelined:
//   [DELETESCRIPT new]  CHECKSCRIPT  PUTSCRIPT new  SETACTIVE new  DELETESCRIPT old
// and stay safe when any of them fails, because RFC 5804 servers process
// commands in order and refuse two things: SETACTIVE of a script that does
// not exist (so a rejected PUTSCRIPT cannot be activated: the stale copy of
// `new` was deleted first), and DELETESCRIPT of the active script (so the
// old one survives a failed SETACTIVE). The user therefore always has an
// active script, and a rejected one never replaces a working one.
import type { ScriptInfo } from '../managesieve/client.js';

export type ActivationPlan =
  | {
      kind: 'deploy';
      /** The inactive slot to upload into and activate. */
      newName: string;
      /** An earlier leftover in that slot, deleted before uploading. */
      clearFirst: boolean;
      /** Our other scripts, removed once the new one is active. */
      removeAfter: string[];
      /** A foreign active script being replaced (`takeOver`, or the user's consent); it is kept, only deactivated. */
      replacesForeign: string | null;
    }
  | { kind: 'foreign-active'; activeScript: string };

export function slotNames(scriptName: string): [string, string] {
  return [`${scriptName}-a`, `${scriptName}-b`];
}

/** Scripts sievewright wrote: its two slots and the bare name. */
export function isOwnScript(scriptName: string, name: string): boolean {
  return name === scriptName || slotNames(scriptName).includes(name);
}

/**
 * Whether the foreign active script `active` may be deactivated: the admin
 * allowed it for everyone (`deploy.takeOver`), or the user agreed to replace
 * exactly this script. A consent names one script, so a different one
 * (activated later, by the user or an admin) is still left alone.
 */
export function mayReplaceForeign(active: string, takeOver: boolean, consented: string | undefined): boolean {
  return takeOver || consented === active;
}

export function planActivation(scripts: readonly ScriptInfo[], scriptName: string, takeOver: boolean, consented?: string): ActivationPlan {
  const [a, b] = slotNames(scriptName);
  const active = scripts.find((s) => s.active);
  if (active && !isOwnScript(scriptName, active.name) && !mayReplaceForeign(active.name, takeOver, consented)) {
    return { kind: 'foreign-active', activeScript: active.name };
  }
  const newName = active?.name === a ? b : a;
  return {
    kind: 'deploy',
    newName,
    clearFirst: scripts.some((s) => s.name === newName),
    removeAfter: scripts.filter((s) => s.name !== newName && isOwnScript(scriptName, s.name)).map((s) => s.name),
    replacesForeign: active && !isOwnScript(scriptName, active.name) ? active.name : null,
  };
}
