/**
 * The portal's access settings and where `frostbyte portal` reads them: how many failed
 * authentications a client address may make in a window before it is answered 429, and how often an
 * open event stream checks that its token still holds. Each has a default; a bad value is an error
 * naming its variable and what is allowed.
 */

/** Failed authentications per client address (see authFailures.ts). */
export interface AuthFailureLimit {
  /** How many failed authentications lock the address out. */
  readonly maxFailures: number;
  /** The window, in seconds from the first failure, after which the count starts again. */
  readonly windowSeconds: number;
}

/** What the access hook and the event stream need. */
export interface AccessSettings {
  readonly authFailures: AuthFailureLimit;
  /** How often an open event stream looks its token up again, in seconds. */
  readonly streamTokenCheckSeconds: number;
}

export const AUTH_FAILURES_MAX_ENV = "FROSTBYTE_PORTAL_AUTH_FAILURES_MAX";
export const AUTH_FAILURES_WINDOW_ENV = "FROSTBYTE_PORTAL_AUTH_FAILURES_WINDOW";
export const STREAM_TOKEN_CHECK_ENV = "FROSTBYTE_PORTAL_STREAM_TOKEN_CHECK";

/** 10 failed authentications in 5 minutes; an open stream checks its token every 5 s. */
export const DEFAULT_ACCESS_SETTINGS: AccessSettings = {
  authFailures: { maxFailures: 10, windowSeconds: 300 },
  streamTokenCheckSeconds: 5,
};

/** A setting with a value the portal cannot use. */
export class PortalSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PortalSettingError";
  }
}

function wholeNumber(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) throw new PortalSettingError(`${name} ${JSON.stringify(text)}: must be a whole number from 1 to ${max}`);
  return value;
}

/** The access settings from the environment, each falling back to its default. */
export function accessSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): AccessSettings {
  const defaults = DEFAULT_ACCESS_SETTINGS;
  return {
    authFailures: {
      maxFailures: wholeNumber(env, AUTH_FAILURES_MAX_ENV, defaults.authFailures.maxFailures, 1_000_000),
      windowSeconds: wholeNumber(env, AUTH_FAILURES_WINDOW_ENV, defaults.authFailures.windowSeconds, 86_400),
    },
    streamTokenCheckSeconds: wholeNumber(env, STREAM_TOKEN_CHECK_ENV, defaults.streamTokenCheckSeconds, 3_600),
  };
}
