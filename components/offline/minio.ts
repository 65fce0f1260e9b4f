import { STORE_PORTS } from "../../domain";
import type { StoreContainerSpec } from "./storeContainer";

/**
 * The MinIO container: root user and password are the stack's (`minio:minioUser`,
 * `minio:minioPassword`), so the provider's connection matches. The console and update checks are
 * off (nothing to reach on an air-gapped site); certificates and `mc`'s config live on tmpfs so
 * the root file system can stay read-only. `mc ready local` is the image's own readiness check.
 */
export function minioContainerSpec(admin: { readonly user: string; readonly password: string }): StoreContainerSpec {
  const port = STORE_PORTS.minio;
  return {
    store: "minio",
    containerPort: port,
    dataPath: "/data",
    env: {
      MINIO_ROOT_USER: admin.user,
      MINIO_ROOT_PASSWORD: admin.password,
      MINIO_BROWSER: "off",
      MINIO_UPDATE: "off",
      MC_CONFIG_DIR: "/tmp/.mc",
    },
    command: ["server", "/data", "--address", `:${port}`, "--certs-dir", "/tmp/minio-certs"],
    healthcheck: ["CMD", "mc", "ready", "local"],
    healthStartPeriod: "30s",
    tmpfs: ["/tmp"],
    capabilities: [],
  };
}
