/**
 * When sending a Qdrant key over plain HTTP deserves a warning. Qdrant's client warns on every client
 * it builds with an http URL, four times a run and also on loopback, where tests and the local
 * sandbox run Qdrant on purpose and nothing crosses a network. This warns once per process and only
 * where the key and the tenants' tokens would cross one unencrypted.
 */
import { IPv4, IPv6 } from "ipaddr.js";

/** Whether `hostname` (as `URL.hostname` gives it: IPv6 in brackets) is this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (IPv4.isValidFourPartDecimal(host)) return IPv4.parse(host).range() === "loopback";
  if (!IPv6.isValid(host)) return false;
  const address = IPv6.parse(host);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().range() === "loopback" : address.range() === "loopback";
}

/** The warning for a Qdrant key sent to `url`, or undefined for https and for a loopback host. */
export function plainHttpKeyWarning(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" || isLoopbackHost(parsed.hostname)) return undefined;
  return (
    `frostbyte:qdrant.url is plain HTTP to ${parsed.host}: the Qdrant admin key and the tenants' tokens cross the network unencrypted; ` +
    "use an https:// URL (plain HTTP is meant for a Qdrant on loopback only)"
  );
}

const warned = new Set<string>();

/** Prints {@link plainHttpKeyWarning} for `url` the first time this process sees it, never again. */
export function warnOncePerProcess(url: string, warn: (message: string) => void = console.warn): void {
  const message = plainHttpKeyWarning(url);
  if (message === undefined || warned.has(message)) return;
  warned.add(message);
  warn(`warning: ${message}`);
}
