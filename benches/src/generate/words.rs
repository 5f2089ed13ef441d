//! The names and technologies generated entities are made of.

pub(super) const AREAS: &[&str] = &[
    "fleet",
    "route",
    "billing",
    "payments",
    "search",
    "catalog",
    "inventory",
    "telemetry",
    "identity",
    "checkout",
    "pricing",
    "shipping",
    "notification",
    "ledger",
    "analytics",
    "media",
    "profile",
    "order",
    "warehouse",
    "robot",
    "mission",
    "map",
    "sensor",
    "firmware",
    "customer",
    "partner",
    "support",
    "fraud",
    "tax",
    "invoice",
    "report",
    "audit",
];

pub(super) const NOUNS: &[&str] = &[
    "service",
    "worker",
    "gateway",
    "scheduler",
    "indexer",
    "ingest",
    "sync",
    "portal",
    "dashboard",
    "engine",
    "processor",
    "exporter",
    "planner",
    "tracker",
    "bridge",
    "monitor",
    "router",
    "api",
    "cron",
    "consumer",
];

pub(super) const FIRST: &[&str] = &[
    "alice", "bob", "chen", "dana", "erik", "fatima", "gus", "hana", "ivan", "jun", "kofi", "lena",
    "mateo", "nora", "omar", "priya", "quinn", "rosa", "sven", "tara", "uma", "victor", "wei",
    "ximena", "yusuf", "zoe",
];

pub(super) const LAST: &[&str] = &[
    "nguyen", "martinez", "wei", "okafor", "lund", "schmidt", "tanaka", "silva", "kowalski",
    "haddad", "murphy", "rossi", "kim", "novak", "larsen", "dubois", "garcia", "ivanova", "mensah",
    "patel",
];

pub(super) const STACKS: &[(&str, &str)] = &[
    ("go", "grpc"),
    ("kotlin", "spring-boot"),
    ("java", "spring-boot"),
    ("python", "fastapi"),
    ("typescript", "nestjs"),
    ("typescript", "react"),
    ("rust", "axum"),
    ("scala", "akka"),
    ("python", "django"),
    ("go", "kafka"),
];

/// `(spec.type, tag, name suffix)`; the first four are databases.
pub(super) const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("database", "postgres", "db"),
    ("database", "mysql", "db"),
    ("database", "mongodb", "store"),
    ("database", "timescaledb", "tsdb"),
    ("cache", "redis", "cache"),
    ("queue", "kafka", "events"),
    ("queue", "sqs", "queue"),
    ("bucket", "s3", "bucket"),
    ("search-index", "elasticsearch", "index"),
];

/// `(spec.type, name suffix)`.
pub(super) const API_TYPES: &[(&str, &str)] = &[
    ("openapi", "api"),
    ("openapi", "rest-api"),
    ("grpc", "grpc"),
    ("asyncapi", "events-api"),
    ("graphql", "graphql"),
];

/// Entity kinds in [`Stats::by_kind`] order.
pub(super) const KINDS: [&str; 7] = [
    "Group",
    "User",
    "Domain",
    "System",
    "Component",
    "API",
    "Resource",
];
