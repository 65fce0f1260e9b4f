import * as hcloud from "@pulumi/hcloud";
import type { TenantConfig, TenantNames } from "../../domain";
import { renderCloudInit } from "./cloudInit";
import type { TenantNetwork } from "./network";
import { PRIVATE_NETWORK } from "./placement";
import { tenantPart, type PartOptions } from "../partOptions";

/** The tenant's data-plane server, on its private network and behind its firewall. */
export function createTenantServer(
  names: TenantNames,
  server: TenantConfig["server"],
  attachments: { network: TenantNetwork; firewall: hcloud.Firewall },
  opts: PartOptions<hcloud.Provider>,
): hcloud.Server {
  // The server joins the network through its subnet, so the subnet must exist first.
  const [name, options] = tenantPart(names, "hetzner-server", { ...opts, dependsOn: [...(opts.dependsOn ?? []), attachments.network.subnet] });
  return new hcloud.Server(
    name,
    {
      name: names.hetzner.server,
      serverType: server.type,
      location: server.location,
      image: server.image,
      labels: { ...names.hetzner.labels },
      firewallIds: [attachments.firewall.id.apply((id) => Number(id))],
      networks: [{ networkId: attachments.network.network.id.apply((id) => Number(id)), ip: PRIVATE_NETWORK.serverIp }],
      publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }],
      userData: renderCloudInit({
        tenantId: names.tenantId,
        privateIp: PRIVATE_NETWORK.serverIp,
        bucket: names.minio.bucket,
        database: names.postgres.database,
        collection: names.qdrant.collection,
        redisKeyPrefix: names.redis.keyPattern.slice(1, -1),
      }),
      shutdownBeforeDeletion: true,
    },
    options,
  );
}
