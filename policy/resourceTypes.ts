/**
 * The Pulumi type tokens the policies look at. The policy pack runs as its own program, so it names
 * the types instead of loading the provider SDKs or the program; `test/policy/resourceTypes.test.ts`
 * checks every token against the SDK classes and against what the program registers.
 */
export const RESOURCE_TYPES = {
  hcloudNetwork: "hcloud:index/network:Network",
  hcloudFirewall: "hcloud:index/firewall:Firewall",
  hcloudServer: "hcloud:index/server:Server",
  minioBucket: "minio:index/s3Bucket:S3Bucket",
  minioUser: "minio:index/iamUser:IamUser",
  minioPolicy: "minio:index/iamPolicy:IamPolicy",
  postgresRole: "postgresql:index/role:Role",
  postgresDatabase: "postgresql:index/database:Database",
  randomPassword: "random:index/randomPassword:RandomPassword",
  qdrantCollection: "pulumi-nodejs:dynamic/frostbyte:QdrantCollection",
  redisAclUser: "pulumi-nodejs:dynamic/frostbyte:RedisAclUser",
  ageKey: "pulumi-nodejs:dynamic/frostbyte:TenantAgeKey",
  secretsFile: "pulumi-nodejs:dynamic/frostbyte:TenantSecretsFile",
  tenant: "frostbyte:tenant:Tenant",
} as const;

/** A short, readable kind for messages: `hcloud:index/firewall:Firewall` → `hcloud Firewall`. */
export function resourceKind(type: string): string {
  const [pkg, , name] = type.split(":");
  if (pkg === "pulumi-nodejs") return `dynamic ${name ?? type}`;
  return name === undefined ? type : `${pkg} ${name}`;
}

/** How every message names the resource it is about: kind and Pulumi name, e.g. `hcloud Firewall "fb-acme-fw"`. */
export function describeResource(type: string, name: string): string {
  return `${resourceKind(type)} ${JSON.stringify(name)}`;
}
