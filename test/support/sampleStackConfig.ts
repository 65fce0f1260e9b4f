/** A complete, valid stack config (DESIGN §8) for tests; every credential is a fixed test value. */
export function sampleStackConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "frostbyte:mode": "online",
    "frostbyte:tenants": [
      { id: "acme", config: { network: { ssh_cidrs: ["198.51.100.0/24"], ingress: [{ protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "::/0"] }] } } },
      { id: "globex-eu", config: { server: { type: "cx32", location: "nbg1" }, quotas: { db_connections: 7 } } },
    ],
    "frostbyte:controlPlaneDbUrl": "postgres://frostbyte:test-only@127.0.0.1:5432/frostbyte",
    "frostbyte:qdrant": { url: "http://127.0.0.1:6333", apiKey: "test-qdrant-admin-key" },
    "frostbyte:redis": { url: "redis://127.0.0.1:6379", adminUser: "default", adminPassword: "test-redis-admin" },
    "frostbyte:operatorAgeRecipients": ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"],
    "hcloud:token": "a".repeat(64),
    "hcloud:endpoint": "http://127.0.0.1:4000/v1",
    "minio:minioServer": "127.0.0.1:9000",
    "minio:minioUser": "minioadmin",
    "minio:minioPassword": "test-minio-admin",
    "postgresql:host": "127.0.0.1",
    "postgresql:port": "5432",
    "postgresql:username": "postgres",
    "postgresql:password": "test-postgres-admin",
    "postgresql:sslmode": "disable",
    ...overrides,
  };
}

/**
 * The sample turned offline (DESIGN §8 with `frostbyte:offline`): no Hetzner keys, the stores on a
 * Docker host at 127.0.0.1, which is where the sample's store settings already point.
 */
export function sampleOfflineStackConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const config = sampleStackConfig({
    "frostbyte:mode": "offline",
    "frostbyte:offline": {
      dockerHost: "ssh://ops@10.0.0.5",
      bindAddress: "127.0.0.1",
      images: {
        postgres: "registry.internal:5000/library/postgres:17.5",
        redis: "registry.internal:5000/library/redis:7.4.2",
        minio: "registry.internal:5000/minio/minio:RELEASE.2025-04-22T22-12-26Z",
        qdrant: `registry.internal:5000/qdrant/qdrant@sha256:${"0123456789abcdef".repeat(4)}`,
        portProxy: "registry.internal:5000/library/haproxy:2.6.12",
      },
    },
  });
  delete config["hcloud:token"];
  delete config["hcloud:endpoint"];
  return { ...config, ...overrides };
}
