-- People who sign in to the console. Passwords are stored as DelegatingPasswordEncoder strings
-- ({bcrypt}…), never in clear.
CREATE TABLE console_user (
    username      VARCHAR(64) PRIMARY KEY,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16) NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Bearer tokens for CI. Only the SHA-256 of a token is kept: the token is shown once, when it is
-- created, and a stolen database cannot be replayed against the API.
CREATE TABLE api_token (
    id           VARCHAR(32) PRIMARY KEY,
    name         VARCHAR(128) NOT NULL,
    token_hash   VARCHAR(64) NOT NULL UNIQUE,
    scope        VARCHAR(16) NOT NULL,
    created_by   VARCHAR(64) NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT
);

-- Every mutating console or REST action and every exec session: who, what, when, and how it ended.
CREATE TABLE audit_event (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       VARCHAR(160) NOT NULL,
    action      VARCHAR(512) NOT NULL,
    target      VARCHAR(1024),
    outcome     VARCHAR(64) NOT NULL,
    remote_addr VARCHAR(64)
);
CREATE INDEX audit_event_at ON audit_event (at);
