-- Settings kubelet hands us at run time (UpdateRuntimeConfig) and must find again after a restart.
CREATE TABLE runtime_setting (
    name  VARCHAR(100) PRIMARY KEY,
    setting_value VARCHAR(4000) NOT NULL
);

-- An unpacked layer snapshot, shared by every image whose layer chain reaches it.
CREATE TABLE layer (
    chain_id     VARCHAR(80) PRIMARY KEY,
    diff_id      VARCHAR(80) NOT NULL,
    blob_digest  VARCHAR(80) NOT NULL,
    blob_size    BIGINT NOT NULL,
    disk_bytes   BIGINT NOT NULL,
    disk_inodes  BIGINT NOT NULL
);

-- An image: its id is the digest of its config blob, as kubelet and crictl show it.
CREATE TABLE image (
    id                  VARCHAR(80) PRIMARY KEY,
    manifest_digest     VARCHAR(80) NOT NULL,
    manifest_media_type VARCHAR(200) NOT NULL,
    size_bytes          BIGINT NOT NULL,
    uid                 BIGINT,
    username            VARCHAR(256),
    pinned              BOOLEAN NOT NULL DEFAULT FALSE,
    pulled_from         VARCHAR(512),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Names that resolve to an image: tags (repo:tag) and repo digests (repo@sha256:...).
CREATE TABLE image_name (
    name     VARCHAR(1024) PRIMARY KEY,
    image_id VARCHAR(80) NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    kind     VARCHAR(10) NOT NULL
);
CREATE INDEX image_name_image ON image_name (image_id);

-- The image's layers bottom-up, and the blobs (manifest, config) it keeps in the content store.
CREATE TABLE image_layer (
    image_id VARCHAR(80) NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    position INT NOT NULL,
    chain_id VARCHAR(80) NOT NULL REFERENCES layer (chain_id),
    PRIMARY KEY (image_id, position)
);

CREATE TABLE image_blob (
    image_id VARCHAR(80) NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    digest   VARCHAR(80) NOT NULL,
    role     VARCHAR(20) NOT NULL,
    PRIMARY KEY (image_id, digest)
);
