DROP TABLE team_equipment;
DROP TABLE team_requests;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE help_requests;
DROP TABLE volunteer_check_ins;
DROP TABLE volunteers;
