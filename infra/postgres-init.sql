-- Used by infra/docker-compose.yml only (postgres image, first start on an empty volume; POSTGRES_DB makes `ferry`).
-- infra/infra.sh creates the same databases itself when missing.
CREATE DATABASE ferry_test;
CREATE DATABASE ferry_registry;
