/**
 * Read-only catalog of the test double: locations, datacenters, server types, images.
 * Names, ids and network zones follow the public Hetzner catalog; prices are placeholders.
 */
import type { Datacenter, Image, Location, ServerType, ServerTypePrice } from "./types";

export const NETWORK_ZONES = ["eu-central", "us-east", "us-west", "ap-southeast"] as const;

const LOCATIONS: readonly Location[] = [
  { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central" },
  { id: 2, name: "nbg1", description: "Nuremberg DC Park 1", country: "DE", city: "Nuremberg", latitude: 49.452102, longitude: 11.076665, network_zone: "eu-central" },
  { id: 3, name: "hel1", description: "Helsinki DC Park 1", country: "FI", city: "Helsinki", latitude: 60.169855, longitude: 24.938379, network_zone: "eu-central" },
  { id: 4, name: "ash", description: "Ashburn, VA", country: "US", city: "Ashburn, VA", latitude: 39.045821, longitude: -77.487073, network_zone: "us-east" },
  { id: 5, name: "hil", description: "Hillsboro, OR", country: "US", city: "Hillsboro, OR", latitude: 45.54222, longitude: -122.95194, network_zone: "us-west" },
  { id: 6, name: "sin", description: "Singapore", country: "SG", city: "Singapore", latitude: 1.283333, longitude: 103.833333, network_zone: "ap-southeast" },
];

const DATACENTER_NAMES: Readonly<Record<string, { id: number; name: string; description: string }>> = {
  fsn1: { id: 4, name: "fsn1-dc14", description: "Falkenstein 1 virtual DC 14" },
  nbg1: { id: 2, name: "nbg1-dc3", description: "Nuremberg 1 virtual DC 3" },
  hel1: { id: 3, name: "hel1-dc2", description: "Helsinki 1 virtual DC 2" },
  ash: { id: 5, name: "ash-dc1", description: "Ashburn virtual DC 1" },
  hil: { id: 6, name: "hil-dc1", description: "Hillsboro virtual DC 1" },
  sin: { id: 7, name: "sin-dc1", description: "Singapore virtual DC 1" },
};

const EU = ["fsn1", "nbg1", "hel1"] as const;
const ALL = ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"] as const;

interface TypeSeed {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  cpu: "shared" | "dedicated";
  arch: "x86" | "arm";
  category: string;
  monthly: number;
  locations: readonly string[];
}

const TYPE_SEEDS: readonly TypeSeed[] = [
  { id: 22, name: "cpx11", cores: 2, memory: 2, disk: 40, cpu: "shared", arch: "x86", category: "regular_purpose", monthly: 4.99, locations: ALL },
  { id: 23, name: "cpx21", cores: 3, memory: 4, disk: 80, cpu: "shared", arch: "x86", category: "regular_purpose", monthly: 8.99, locations: ALL },
  { id: 104, name: "cx22", cores: 2, memory: 4, disk: 40, cpu: "shared", arch: "x86", category: "cost_optimized", monthly: 3.79, locations: EU },
  { id: 105, name: "cx32", cores: 4, memory: 8, disk: 80, cpu: "shared", arch: "x86", category: "cost_optimized", monthly: 6.8, locations: EU },
  { id: 45, name: "cax11", cores: 2, memory: 4, disk: 40, cpu: "shared", arch: "arm", category: "cost_optimized", monthly: 3.79, locations: EU },
  { id: 96, name: "ccx13", cores: 2, memory: 8, disk: 80, cpu: "dedicated", arch: "x86", category: "general_purpose", monthly: 12.49, locations: ALL },
];

function price(net: number): { net: string; gross: string } {
  return { net: net.toFixed(10), gross: (net * 1.19).toFixed(16) };
}

function serverType(seed: TypeSeed): ServerType {
  const prices: ServerTypePrice[] = seed.locations.map((location) => ({
    location,
    price_hourly: price(Math.round((seed.monthly / 730) * 10000) / 10000),
    price_monthly: price(seed.monthly),
    included_traffic: (location === "ash" || location === "hil" || location === "sin" ? 1 : 20) * 1099511627776,
    price_per_tb_traffic: price(1),
  }));
  return {
    id: seed.id,
    name: seed.name,
    description: seed.name.toUpperCase(),
    category: seed.category,
    cores: seed.cores,
    memory: seed.memory,
    disk: seed.disk,
    deprecated: false,
    deprecation: null,
    prices,
    storage_type: "local",
    cpu_type: seed.cpu,
    architecture: seed.arch,
    locations: seed.locations.map((name) => {
      const loc = LOCATIONS.find((l) => l.name === name);
      return { id: loc?.id ?? 0, name, deprecation: null, recommended: name === seed.locations[0], available: true };
    }),
  };
}

function systemImage(id: number, name: string, description: string, flavor: string, version: string, arch: "x86" | "arm", created: string): Image {
  return {
    id,
    type: "system",
    status: "available",
    name,
    description,
    image_size: null,
    disk_size: 5,
    created,
    created_from: null,
    bound_to: null,
    os_flavor: flavor,
    os_version: version,
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
    architecture: arch,
  };
}

/** The catalog one double instance serves (fresh objects, so callers may not mutate shared data). */
export interface Catalog {
  readonly locations: readonly Location[];
  readonly datacenters: readonly Datacenter[];
  readonly serverTypes: readonly ServerType[];
  readonly images: readonly Image[];
}

export function buildCatalog(): Catalog {
  const serverTypes = TYPE_SEEDS.map(serverType);
  const datacenters: Datacenter[] = LOCATIONS.map((location) => {
    const dc = DATACENTER_NAMES[location.name] ?? { id: 100 + location.id, name: `${location.name}-dc1`, description: location.description };
    const here = serverTypes.filter((t) => t.locations.some((l) => l.name === location.name)).map((t) => t.id);
    return { ...dc, location: { ...location }, server_types: { supported: here, available: here, available_for_migration: here } };
  });
  const images: Image[] = [
    systemImage(114690387, "debian-12", "Debian 12", "debian", "12", "x86", "2023-06-13T06:00:02Z"),
    systemImage(114690389, "debian-12", "Debian 12", "debian", "12", "arm", "2023-06-13T06:00:02Z"),
    systemImage(161547269, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "x86", "2024-04-25T10:51:11Z"),
    systemImage(161547270, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "arm", "2024-04-25T10:51:11Z"),
  ];
  return { locations: LOCATIONS.map((l) => ({ ...l })), datacenters, serverTypes, images };
}

export function findLocation(catalog: Catalog, idOrName: string | number): Location | undefined {
  const asId = typeof idOrName === "number" ? idOrName : /^\d+$/.test(idOrName) ? Number(idOrName) : undefined;
  return catalog.locations.find((l) => (asId !== undefined ? l.id === asId : l.name === idOrName));
}

export function findServerType(catalog: Catalog, idOrName: string | number): ServerType | undefined {
  const asId = typeof idOrName === "number" ? idOrName : /^\d+$/.test(idOrName) ? Number(idOrName) : undefined;
  return catalog.serverTypes.find((t) => (asId !== undefined ? t.id === asId : t.name === idOrName));
}
