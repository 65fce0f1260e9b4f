/**
 * The Hetzner Cloud API calls a tenant's network, subnet, firewall and server take, made directly
 * with fetch (the benchmark's baseline; here against the loopback API test double).
 */
interface Action {
  readonly id: number;
  readonly status: "running" | "success" | "error";
}

export class HetznerDirect {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text === "" ? {} : JSON.parse(text)) as T;
  }

  private async waitFor(actions: readonly (Action | undefined)[]): Promise<void> {
    for (const action of actions) {
      if (action === undefined) continue;
      for (let current = action; current.status === "running"; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        current = (await this.call<{ action: Action }>("GET", `/actions/${action.id}`)).action;
        if (current.status === "error") throw new Error(`action ${action.id} failed`);
      }
    }
  }

  /** Network with its subnet, firewall, server on both; returns the ids. */
  async create(name: { network: string; firewall: string; server: string }, labels: Record<string, string>, userData: string): Promise<{ network: number; firewall: number; server: number }> {
    const { network } = await this.call<{ network: { id: number } }>("POST", "/networks", { name: name.network, ip_range: "10.42.0.0/16", labels });
    const subnet = await this.call<{ action: Action }>("POST", `/networks/${network.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "10.42.1.0/24" });
    await this.waitFor([subnet.action]);
    const fw = await this.call<{ firewall: { id: number }; actions?: Action[] }>("POST", "/firewalls", {
      name: name.firewall,
      labels,
      rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["198.51.100.0/24"] }],
    });
    await this.waitFor(fw.actions ?? []);
    const created = await this.call<{ server: { id: number }; action: Action; next_actions?: Action[] }>("POST", "/servers", {
      name: name.server,
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      labels,
      user_data: userData,
      networks: [network.id],
      firewalls: [{ firewall: fw.firewall.id }],
      public_net: { enable_ipv4: true, enable_ipv6: true },
      start_after_create: true,
    });
    await this.waitFor([created.action, ...(created.next_actions ?? [])]);
    return { network: network.id, firewall: fw.firewall.id, server: created.server.id };
  }

  /** Reads the three back (what a refresh does). */
  async read(ids: { network: number; firewall: number; server: number }): Promise<void> {
    await Promise.all([this.call("GET", `/networks/${ids.network}`), this.call("GET", `/firewalls/${ids.firewall}`), this.call("GET", `/servers/${ids.server}`)]);
  }

  async remove(ids: { network: number; firewall: number; server: number }): Promise<void> {
    const deleted = await this.call<{ action?: Action }>("DELETE", `/servers/${ids.server}`);
    await this.waitFor([deleted.action]);
    await this.call("DELETE", `/firewalls/${ids.firewall}`);
    await this.call("DELETE", `/networks/${ids.network}`);
  }
}
