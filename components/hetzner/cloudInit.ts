/** What the tenant's data-plane server needs to know at first boot; never a secret (user data is readable through the API). */
export interface CloudInitInput {
  readonly tenantId: string;
  readonly privateIp: string;
  readonly bucket: string;
  readonly database: string;
  readonly collection: string;
  readonly redisKeyPrefix: string;
}

/**
 * Renders the server's cloud-config. JSON is valid YAML, so the document is built as an object and
 * serialised rather than templated: no quoting bugs, and the same input always renders the same text.
 */
export function renderCloudInit(input: CloudInitInput): string {
  const tenantEnv = [
    `FROSTBYTE_TENANT_ID=${input.tenantId}`,
    `FROSTBYTE_PRIVATE_IP=${input.privateIp}`,
    `FROSTBYTE_BUCKET=${input.bucket}`,
    `FROSTBYTE_DATABASE=${input.database}`,
    `FROSTBYTE_COLLECTION=${input.collection}`,
    `FROSTBYTE_REDIS_PREFIX=${input.redisKeyPrefix}`,
  ].join("\n");
  const document = {
    package_update: true,
    package_upgrade: true,
    packages: ["ca-certificates", "chrony", "unattended-upgrades", "fail2ban", "podman", "nftables"],
    users: [
      "default",
      { name: "frostbyte", system: true, shell: "/usr/sbin/nologin", homedir: "/var/lib/frostbyte" },
    ],
    write_files: [
      { path: "/etc/frostbyte/tenant.env", permissions: "0644", owner: "root:root", content: `${tenantEnv}\n` },
      {
        path: "/etc/ssh/sshd_config.d/50-frostbyte.conf",
        permissions: "0644",
        content: "PasswordAuthentication no\nPermitRootLogin prohibit-password\n",
      },
    ],
    runcmd: [
      ["systemctl", "enable", "--now", "chrony", "fail2ban", "unattended-upgrades"],
      ["install", "-d", "-o", "frostbyte", "-g", "frostbyte", "-m", "0750", "/var/lib/frostbyte/spool"],
      ["systemctl", "reload", "ssh"],
    ],
  };
  return `#cloud-config\n${JSON.stringify(document, null, 2)}\n`;
}
