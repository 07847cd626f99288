DROP TABLE audit_chain;
