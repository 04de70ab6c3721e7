-- Hidden-hazard work orders and site risk codes. Idempotent like Schema.sql: applied at each start.

-- One row per work order. "open" is 1 until the order is closed; the partial unique index is what
-- guarantees one open order per device and hazard, whatever races the writers have. Orders found
-- by an inspector without a device (device_id NULL) are never merged: NULLs are distinct.
CREATE TABLE IF NOT EXISTS work_orders (
    id               INTEGER PRIMARY KEY,
    device_id        TEXT,
    hazard           TEXT NOT NULL,
    severity         TEXT NOT NULL,
    source           TEXT NOT NULL,
    site             TEXT,
    grid             TEXT,
    state            TEXT NOT NULL,
    open             INTEGER NOT NULL,
    assignee         TEXT,
    alarm_id         INTEGER,
    opened_at        INTEGER NOT NULL,
    opened_by        TEXT NOT NULL,
    last_seen        INTEGER NOT NULL,
    count            INTEGER NOT NULL,
    deadline         INTEGER NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    escalated_at     INTEGER,
    escalated_to     TEXT,
    rectified_at     INTEGER,
    closed_at        INTEGER,
    closed_by        TEXT,
    reopen_count     INTEGER NOT NULL DEFAULT 0,
    photo            TEXT,
    description      TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS work_orders_one_open ON work_orders(device_id, hazard) WHERE open = 1;
CREATE INDEX IF NOT EXISTS work_orders_site ON work_orders(site, open);
CREATE INDEX IF NOT EXISTS work_orders_device ON work_orders(device_id, hazard, id);
CREATE INDEX IF NOT EXISTS work_orders_deadline ON work_orders(deadline) WHERE open = 1;
CREATE INDEX IF NOT EXISTS work_orders_opened ON work_orders(opened_at);

-- Every step of an order: who, when, from which state to which.
CREATE TABLE IF NOT EXISTS work_order_timeline (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    event      TEXT NOT NULL,
    actor      TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT,
    detail     TEXT
);
CREATE INDEX IF NOT EXISTS work_order_timeline_order ON work_order_timeline(order_id, id);
CREATE INDEX IF NOT EXISTS work_order_timeline_event ON work_order_timeline(event);

-- Raisings of the charging-pile types a repeat rule watches, to count them in the rule's window.
CREATE TABLE IF NOT EXISTS hazard_sightings (
    id        INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    hazard    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    alarm_id  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS hazard_sightings_device ON hazard_sightings(device_id, hazard, at);

-- The current red / yellow / green code of each site that has had an alarm, order or inspection.
CREATE TABLE IF NOT EXISTS site_risk (
    site               TEXT PRIMARY KEY,
    code               TEXT NOT NULL,
    reason             TEXT NOT NULL,
    computed_at        INTEGER NOT NULL,
    code_since         INTEGER NOT NULL,
    last_inspection_at INTEGER,
    last_inspected_by  TEXT,
    next_inspection_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS site_risk_due ON site_risk(next_inspection_at);

CREATE TABLE IF NOT EXISTS site_inspections (
    id        INTEGER PRIMARY KEY,
    site      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    note      TEXT
);
CREATE INDEX IF NOT EXISTS site_inspections_site ON site_inspections(site, at);
