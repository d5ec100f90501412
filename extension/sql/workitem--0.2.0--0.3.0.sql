-- workitem: upgrade from release 0.2.0 to 0.3.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; tests/upgrade/run proves that an updated 0.2.0 (and 0.1.0, through 0.2.0)
-- equals a fresh install (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit
