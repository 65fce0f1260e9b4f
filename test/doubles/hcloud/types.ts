/**
 * Wire shapes of the Hetzner Cloud API as served by the test double.
 *
 * Field names and nullability follow hcloud-go `hcloud/schema/*.go` (the Go client the
 * terraform/Pulumi provider uses) and the official OpenAPI description.
 */

export type Labels = Record<string, string>;

export interface ActionResource {
  id: number;
  type: string;
}

export type ActionStatus = "running" | "success" | "error";

export interface Action {
  id: number;
  command: string;
  status: ActionStatus;
  progress: number;
  started: string;
  finished: string | null;
  resources: ActionResource[];
  error: { code: string; message: string } | null;
}

export interface Pagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}

export interface Location {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export interface Datacenter {
  id: number;
  name: string;
  description: string;
  location: Location;
  server_types: { supported: number[]; available: number[]; available_for_migration: number[] };
}

export interface Price {
  net: string;
  gross: string;
}

export interface ServerTypePrice {
  location: string;
  price_hourly: Price;
  price_monthly: Price;
  included_traffic: number;
  price_per_tb_traffic: Price;
}

export interface Deprecation {
  announced: string;
  unavailable_after: string;
}

export interface ServerType {
  id: number;
  name: string;
  description: string;
  category: string;
  cores: number;
  memory: number;
  disk: number;
  deprecated: boolean;
  deprecation: Deprecation | null;
  prices: ServerTypePrice[];
  storage_type: "local" | "network";
  cpu_type: "shared" | "dedicated";
  architecture: "x86" | "arm";
  locations: { id: number; name: string; deprecation: Deprecation | null; recommended: boolean; available: boolean }[];
}

export interface Image {
  id: number;
  type: "system" | "app" | "snapshot" | "backup";
  status: "available" | "creating" | "unavailable";
  name: string | null;
  description: string;
  image_size: number | null;
  disk_size: number;
  created: string;
  created_from: { id: number; name: string } | null;
  bound_to: number | null;
  os_flavor: string;
  os_version: string | null;
  rapid_deploy: boolean;
  protection: { delete: boolean };
  deprecated: string | null;
  deleted: string | null;
  labels: Labels;
  architecture: "x86" | "arm";
}

export interface NetworkSubnet {
  type: "cloud" | "server" | "vswitch";
  ip_range: string;
  network_zone: string;
  gateway: string;
  vswitch_id?: number | null;
}

export interface NetworkRoute {
  destination: string;
  gateway: string;
}

export interface Network {
  id: number;
  name: string;
  ip_range: string;
  subnets: NetworkSubnet[];
  routes: NetworkRoute[];
  servers: number[];
  load_balancers: number[];
  protection: { delete: boolean };
  labels: Labels;
  created: string;
  expose_routes_to_vswitch: boolean;
}

export interface FirewallRule {
  description: string | null;
  direction: "in" | "out";
  source_ips: string[];
  destination_ips: string[];
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  port: string | null;
}

export interface FirewallServerRef {
  type: "server";
  server: { id: number };
}

export interface FirewallAppliedTo {
  type: "server" | "label_selector";
  server?: { id: number };
  label_selector?: { selector: string };
  applied_to_resources?: FirewallServerRef[];
}

export interface Firewall {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: FirewallRule[];
  applied_to: FirewallAppliedTo[];
}

export interface PrimaryIp {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  blocked: boolean;
  location: Location;
  ip: string;
  dns_ptr: { ip: string; dns_ptr: string }[];
  protection: { delete: boolean };
  type: "ipv4" | "ipv6";
  auto_delete: boolean;
  assignee_type: "server";
  assignee_id: number | null;
}

export type ServerStatus = "running" | "initializing" | "starting" | "stopping" | "off" | "deleting" | "migrating" | "rebuilding" | "unknown";

export interface ServerPrivateNet {
  network: number;
  ip: string;
  alias_ips: string[];
  mac_address: string;
}

export interface Server {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  public_net: {
    ipv4: { id: number; ip: string; blocked: boolean; dns_ptr: string } | null;
    ipv6: { id: number; ip: string; blocked: boolean; dns_ptr: { ip: string; dns_ptr: string }[] } | null;
    floating_ips: number[];
    firewalls: { id: number; status: "applied" | "pending" }[];
  };
  private_net: ServerPrivateNet[];
  server_type: ServerType;
  location: Location;
  image: Image | null;
  iso: null;
  rescue_enabled: boolean;
  locked: boolean;
  backup_window: string | null;
  outgoing_traffic: number | null;
  ingoing_traffic: number | null;
  included_traffic: number | null;
  protection: { delete: boolean; rebuild: boolean };
  labels: Labels;
  volumes: number[];
  load_balancers: number[];
  primary_disk_size: number;
  placement_group: null;
}

export interface SshKey {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Labels;
  created: string;
}
