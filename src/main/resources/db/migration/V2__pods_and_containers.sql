-- A pod sandbox. The CRI config is kept whole (protobuf bytes): status, labels and annotations
-- are answered from it, and a restart can redo any step from it.
CREATE TABLE pod_sandbox (
    id              VARCHAR(64) PRIMARY KEY,
    -- name_namespace_uid_attempt: reserved before touching the host, so a kubelet retry finds it
    reserved_name   VARCHAR(1024) NOT NULL UNIQUE,
    state           VARCHAR(16) NOT NULL,
    created_at      BIGINT NOT NULL,
    runtime_handler VARCHAR(128) NOT NULL,
    config          BLOB NOT NULL,
    netns_path      VARCHAR(1024),
    ipc_path        VARCHAR(1024),
    uts_path        VARCHAR(1024),
    infra_id        VARCHAR(64),
    infra_pid       INT,
    ips             VARCHAR(1024),
    cgroup_parent   VARCHAR(1024),
    network_ready   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE container (
    id            VARCHAR(64) PRIMARY KEY,
    pod_id        VARCHAR(64) NOT NULL REFERENCES pod_sandbox (id),
    reserved_name VARCHAR(1024) NOT NULL UNIQUE,
    state         VARCHAR(16) NOT NULL,
    created_at    BIGINT NOT NULL,
    started_at    BIGINT NOT NULL DEFAULT 0,
    finished_at   BIGINT NOT NULL DEFAULT 0,
    exit_code     INT NOT NULL DEFAULT 0,
    reason        VARCHAR(128),
    message       VARCHAR(4000),
    image_id      VARCHAR(80) NOT NULL,
    image_name    VARCHAR(1024) NOT NULL,
    chain_ids     VARCHAR(8000) NOT NULL,
    config        BLOB NOT NULL,
    log_path      VARCHAR(4096),
    pid           INT NOT NULL DEFAULT 0
);
CREATE INDEX container_pod ON container (pod_id);
