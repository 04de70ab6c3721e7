-- The embedded store. Every statement is idempotent: the schema is applied at each start.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS devices (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    vendor       TEXT NOT NULL,
    name         TEXT,
    site         TEXT,
    address      TEXT,
    building     TEXT,
    floor        TEXT,
    grid         TEXT,
    lat          REAL,
    lon          REAL,
    contacts     TEXT,
    heartbeat_s  INTEGER NOT NULL DEFAULT 3600,
    installed_on TEXT
);
CREATE INDEX IF NOT EXISTS devices_site ON devices(site);

-- One row per alarm; "active" is 1 until the alarm is closed. The partial unique index is what
-- guarantees one active alarm per device and type, whatever races the writers have.
CREATE TABLE IF NOT EXISTS alarms (
    id            INTEGER PRIMARY KEY,
    device_id     TEXT NOT NULL,
    type          TEXT NOT NULL,
    severity      TEXT NOT NULL,
    state         TEXT NOT NULL,
    active        INTEGER NOT NULL,
    site          TEXT,
    incident_id   INTEGER,
    raised_at     INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    first_value   REAL,
    last_value    REAL,
    flapping      INTEGER NOT NULL DEFAULT 0,
    reopen_count  INTEGER NOT NULL DEFAULT 0,
    cleared_at    INTEGER,
    acked_at      INTEGER,
    acked_by      TEXT,
    resolved_at   INTEGER,
    resolved_by   TEXT,
    cause         TEXT,
    dispatch      TEXT,
    -- The sequence number of the message that last counted on this alarm: a redelivery of the
    -- same message (QoS 1 after a crash) is recognised and not counted twice.
    last_seq      INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS alarms_one_active ON alarms(device_id, type) WHERE active = 1;
CREATE INDEX IF NOT EXISTS alarms_raised ON alarms(raised_at);
CREATE INDEX IF NOT EXISTS alarms_site ON alarms(site, raised_at);

CREATE TABLE IF NOT EXISTS alarm_timeline (
    id       INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    event    TEXT NOT NULL,
    actor    TEXT,
    detail   TEXT
);
CREATE INDEX IF NOT EXISTS alarm_timeline_alarm ON alarm_timeline(alarm_id, id);

CREATE TABLE IF NOT EXISTS incidents (
    id          INTEGER PRIMARY KEY,
    site        TEXT NOT NULL,
    opened_at   INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    severity    TEXT NOT NULL,
    alarm_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_site ON incidents(site, last_at);

-- The source of the Server-Sent Events stream: its id is the SSE event id, so a console that
-- reconnects with Last-Event-ID resumes exactly where it left off, across server restarts too.
CREATE TABLE IF NOT EXISTS alarm_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm_id INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL
);

-- Transactional outbox: written in the alarm's own transaction, delivered afterwards.
CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY,
    alarm_id        INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    body            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TABLE IF NOT EXISTS dead_letters (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    topic     TEXT NOT NULL,
    stage     TEXT NOT NULL,
    vendor    TEXT,
    device_id TEXT,
    reason    TEXT NOT NULL,
    payload   BLOB
);

CREATE TABLE IF NOT EXISTS unknown_devices (
    vendor       TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    last_payload BLOB,
    PRIMARY KEY (vendor, device_id)
);

-- Stations (fire station, micro station, equipment point) as imported, one JSON document each,
-- with the status dispatchers change kept beside it.
CREATE TABLE IF NOT EXISTS stations (
    id     TEXT PRIMARY KEY,
    body   TEXT NOT NULL,
    status TEXT NOT NULL
);

-- Who changed what, when and from where: every state-changing request, allowed or refused.
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT,
    method  TEXT NOT NULL,
    path    TEXT NOT NULL,
    status  INTEGER NOT NULL,
    remote  TEXT
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
