import { STORE_PORTS } from "../../domain";
import type { StoreContainerSpec } from "./storeContainer";

/** Where the volume is mounted; snapshots and the start-up marker live inside it too. */
export const QDRANT_DATA_PATH = "/qdrant/storage";

/**
 * The Qdrant container: the admin API key is the stack's (`frostbyte:qdrant.apiKey`) and JWT RBAC
 * is on, so each tenant's collection-scoped token (signed with that key) is honoured. Telemetry is
 * off. The image has neither curl nor wget, so the health check speaks HTTP to `/readyz` through
 * bash's /dev/tcp; Qdrant serves `/readyz` without an API key.
 */
export function qdrantContainerSpec(admin: { readonly apiKey: string }): StoreContainerSpec {
  const port = STORE_PORTS.qdrant;
  const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`;
  return {
    store: "qdrant",
    containerPort: port,
    dataPath: QDRANT_DATA_PATH,
    env: {
      QDRANT__SERVICE__API_KEY: admin.apiKey,
      QDRANT__SERVICE__JWT_RBAC: "true",
      QDRANT__SERVICE__HTTP_PORT: String(port),
      QDRANT__STORAGE__STORAGE_PATH: QDRANT_DATA_PATH,
      QDRANT__STORAGE__SNAPSHOTS_PATH: `${QDRANT_DATA_PATH}/snapshots`,
      QDRANT__TELEMETRY_DISABLED: "true",
      QDRANT_INIT_FILE_PATH: `${QDRANT_DATA_PATH}/.qdrant-initialized`,
    },
    healthcheck: ["CMD", "bash", "-c", probe],
    healthStartPeriod: "30s",
    tmpfs: ["/tmp"],
    capabilities: [],
  };
}
