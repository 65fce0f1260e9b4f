/** Reads `frostbyte:controlPlaneDbUrl` from the config a dynamic provider's configure receives. */
export function controlPlaneUrlFrom(config: { get(key: string): string | undefined }): string {
  const url = config.get("controlPlaneDbUrl");
  if (!url) throw new Error("frostbyte:controlPlaneDbUrl is not set; the registry write-back needs it");
  return url;
}

/** A write-back provider: the control-plane URL comes from stack config in `configure`, never from inputs. */
export interface ControlPlaneProvider {
  controlPlaneDbUrl?: string;
}
