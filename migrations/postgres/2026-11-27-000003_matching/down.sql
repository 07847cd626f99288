DROP TABLE proposals;
DROP TABLE matching_runs;
