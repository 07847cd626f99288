-- The disaster volunteer centre: volunteers and their daily check-ins, households' help
-- requests (ニーズ), and each day's teams with members, destinations and lent equipment.
CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
    registration_number TEXT NOT NULL UNIQUE,  -- V-000123, typed at the check-in desk
    version BIGINT NOT NULL,
    party_id BIGINT REFERENCES volunteers (id),  -- first member of a group registered together
    party_name TEXT,
    name TEXT NOT NULL,
    name_kana TEXT,
    phone TEXT NOT NULL,
    age_band TEXT NOT NULL,
    insured BOOLEAN NOT NULL,
    insurance_date DATE,
    guardian_consent BOOLEAN NOT NULL,
    skills TEXT NOT NULL,           -- JSON array of codes
    equipment TEXT NOT NULL,        -- JSON array
    available_dates TEXT NOT NULL,  -- JSON array of dates
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteers_party ON volunteers (party_id);

CREATE TABLE volunteer_check_ins (
    id INTEGER PRIMARY KEY,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    day DATE NOT NULL,
    checked_in_at TIMESTAMP NOT NULL,
    checked_out_at TIMESTAMP
);
CREATE INDEX volunteer_check_ins_day ON volunteer_check_ins (day, volunteer_id);
CREATE INDEX volunteer_check_ins_volunteer ON volunteer_check_ins (volunteer_id, day);

CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,           -- open / assigned / continuing / done
    requester_name TEXT NOT NULL,
    phone TEXT,
    address TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    work_types TEXT NOT NULL,       -- JSON array of codes
    people_needed INTEGER NOT NULL,
    skills_needed TEXT NOT NULL,    -- JSON array of codes
    tools TEXT NOT NULL,            -- JSON array
    notes TEXT,
    priority INTEGER NOT NULL,
    registrant_id BIGINT REFERENCES registrants (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX help_requests_status ON help_requests (status, id);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    day DATE NOT NULL,
    number INTEGER NOT NULL,        -- 1, 2, … within the day
    status TEXT NOT NULL,           -- proposed / confirmed / departed / returned
    leader_id BIGINT REFERENCES volunteers (id),
    departed_at TIMESTAMP,
    returned_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (day, number)
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX team_members_volunteer ON team_members (volunteer_id);

CREATE TABLE team_requests (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    request_id BIGINT NOT NULL REFERENCES help_requests (id),
    position INTEGER NOT NULL,
    outcome TEXT,                   -- done / continuing, from the leader's report
    report_notes TEXT,
    reported_at TIMESTAMP,
    PRIMARY KEY (team_id, request_id)
);
CREATE INDEX team_requests_request ON team_requests (request_id);

CREATE TABLE team_equipment (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    lent_at TIMESTAMP NOT NULL,
    returned_at TIMESTAMP
);
CREATE INDEX team_equipment_team ON team_equipment (team_id);
