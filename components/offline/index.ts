/** Offline (air-gapped) mode: the shared stores as containers on one Docker host, and their config. */
export * from "./minio";
export * from "./names";
export * from "./network";
export * from "./postgres";
export * from "./portProxy";
export * from "./postgresPreparation";
export * from "./qdrant";
export * from "./redis";
export * from "./storeContainer";
export * from "./storePlatform";
