import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered under mocks, with its exact parent. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN; empty for the stack itself. */
  readonly parent: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** URNs of the resources it explicitly depends on (`dependsOn`). */
  readonly dependencies: readonly string[];
  /** URN of the resource whose deletion also deletes this one (`deletedWith`), or "". */
  readonly deletedWith: string;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getDeletedwith(): string;
}
interface RegisterResponse {
  getUrn(): string;
}
type RegisterCallback = (err: Error | null, response?: RegisterResponse) => void;
interface MockMonitor {
  registerResource(req: RegisterRequest, callback: RegisterCallback): Promise<void>;
}

/** Plausible provider-computed outputs, so every output the program reads resolves. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-${name}-${"x".repeat(Number(inputs["length"] ?? 16))}` };
    case "hcloud:index/server:Server":
      return { ipv4Address: "203.0.113.10", ipv6Address: "2001:db8::10" };
    case "minio:index/iamUser:IamUser":
      return { status: "enabled" };
    case "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey":
      return { publicKey: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", privateKey: `AGE-SECRET-KEY-1MOCK${name.toUpperCase()}` };
    default:
      return {};
  }
}

let numericIds = 1000;

/**
 * Installs Pulumi mocks that record every registration with its parent URN. The mock monitor knows
 * each request's parent, but `newResource` is not told it, so registerResource is wrapped to read it.
 */
export async function installRecordingMocks(): Promise<{ registrations: Registration[] }> {
  const registrations: Registration[] = [];
  const pending = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        pending.set(`${args.type}::${args.name}`, inputs);
        const id = args.type.startsWith("hcloud:") ? String(numericIds++) : `${args.name}-id`;
        return { id, state: { ...inputs, ...computedState(args.type, args.name, inputs) } };
      },
      call(args) {
        return args.inputs;
      },
    },
    "frostbyte",
    "test",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response) {
        const key = `${req.getType()}::${req.getName()}`;
        registrations.push({
          urn: response.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          inputs: pending.get(key) ?? {},
          dependencies: req.getDependenciesList(),
          deletedWith: req.getDeletedwith(),
        });
      }
      callback(err, response);
    });
  return { registrations };
}

/** Resolves an output's value (the examples' `promiseOf`). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Sets the whole stack config as `pulumi config` would (values as strings, objects as JSON). */
export function setStackConfig(values: Record<string, unknown>, secretKeys: readonly string[] = []): void {
  const raw = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
  pulumi.runtime.setAllConfig(raw, [...secretKeys]);
}
