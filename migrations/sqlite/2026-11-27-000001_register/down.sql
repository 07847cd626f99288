DROP TABLE change_log;
DROP TABLE shelters;
DROP TABLE supporters;
DROP TABLE registrant_consents;
DROP TABLE registrants;
DROP TABLE hazard_zones;
DROP TABLE districts;
