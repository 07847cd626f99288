-- Individual evacuation plans (個別避難計画): one per registrant, versioned like every record.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    registrant_id BIGINT NOT NULL UNIQUE REFERENCES registrants (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,                 -- draft / confirmed / needs_review
    author TEXT NOT NULL,
    author_relation TEXT,
    written_on DATE NOT NULL,
    next_review_on DATE,
    content TEXT NOT NULL,                -- JSON: supporters, destinations, route, items, notes
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
