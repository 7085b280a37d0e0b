//! End-to-end tests: compile jobs with the `sluice` CLI, build them, run them, and compare with the
//! goldens real PyFlink 2.3 produced (`tests/goldens/regenerate.sh`), plus snapshot tests of
//! diagnostics, plans and generated code.

mod connectors_jdbc;
mod connectors_kafka;
mod connectors_kafka_keys;
mod connectors_kafka_metadata;
mod connectors_kafka_discovery;
mod connectors_kafka_recovery;
mod diagnostics;
mod examples;
mod generated;
mod runtime_behaviour;
mod temporal_join;
