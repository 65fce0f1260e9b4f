import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * Whether a resource's properties were secret, as the engine sent them.
 *
 * The engine sends every property to a policy pack with its secret mark (it marshals with
 * KeepSecrets), but @pulumi/policy deserialises them into plain values before a policy sees `props`,
 * so a policy cannot tell a secret from plain text (pulumi/pulumi-policy#241, open). This module
 * wraps the SDK's deserialiser: for every property map it deserialises, it also records how each
 * top-level property arrived and attaches that record to the result under a symbol. The record is a
 * non-writable, non-configurable property, which the SDK's unknown-checking proxy returns as is.
 *
 * The SDK module it wraps is internal, so `@pulumi/policy` is pinned to an exact version and
 * `installPropertyMarks` refuses to start when the module no longer looks the same; the unit tests
 * (through the SDK's own analyzer functions) and the real-engine preview test catch any other change.
 */

/** How one top-level property arrived: a secret, a value not known until the update, or plain. */
export type PropertyMark = "secret" | "unknown" | "plain";

/** Each top-level property's mark. */
export type PropertyMarks = Readonly<Record<string, PropertyMark>>;

const MARKS = Symbol("frostbyte.policy.propertyMarks");

/** The SDK's wire value of one property map (a protobuf Struct). */
interface WireStruct {
  toJavaScript(): Record<string, unknown>;
}

type Deserialize = (this: unknown, struct: WireStruct, proxySecrets: boolean) => object;

function isSecretWireValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/**
 * The marks of a property map, from its wire form (secret signatures) and its deserialised form
 * (where the SDK's own proxy says a value is unknown).
 */
export function markProperties(wire: Readonly<Record<string, unknown>>, deserialised: object): PropertyMarks {
  const checked = unknownCheckingProxy(deserialised) as Record<string, unknown>;
  const marks: Record<string, PropertyMark> = {};
  for (const key of Object.keys(wire)) {
    if (isSecretWireValue(wire[key])) {
      marks[key] = "secret";
      continue;
    }
    try {
      void checked[key];
      marks[key] = "plain";
    } catch (error) {
      if (!(error instanceof UnknownValueError)) throw error;
      marks[key] = "unknown";
    }
  }
  return Object.freeze(marks);
}

/** The marks recorded for a resource's `props` (the SDK's proxy or the object itself), or undefined if none were. */
export function propertyMarksOf(props: unknown): PropertyMarks | undefined {
  if (typeof props !== "object" || props === null) return undefined;
  return (props as { [MARKS]?: PropertyMarks })[MARKS];
}

let installed = false;

/**
 * Wraps @pulumi/policy's deserialiser so every property map a policy receives carries its marks.
 * Call it once, before the PolicyPack starts serving; it throws when the SDK no longer has the
 * function it wraps, so the pack fails to start rather than passing every credential unchecked.
 */
export function installPropertyMarks(): void {
  if (installed) return;
  const sdk = require("@pulumi/policy/deserialize") as Record<string, unknown>;
  const original = sdk["deserializeProperties"];
  if (typeof original !== "function") {
    throw new Error("@pulumi/policy/deserialize has no deserializeProperties: this @pulumi/policy version is not the one policy/propertyMarks.ts was written for");
  }
  const deserialize = original as Deserialize;
  const wrapped: Deserialize = function (this: unknown, struct, proxySecrets) {
    const props = deserialize.call(this, struct, proxySecrets);
    Object.defineProperty(props, MARKS, { value: markProperties(struct.toJavaScript(), props), enumerable: false, writable: false, configurable: false });
    return props;
  };
  sdk["deserializeProperties"] = wrapped;
  if (sdk["deserializeProperties"] !== wrapped) throw new Error("could not wrap @pulumi/policy's deserializeProperties");
  installed = true;
}
