\set ECHO none
-- Creates the extension for a test file: the version in development, or, when the environment
-- names a released version in WORKITEM_UPGRADE_FROM, that release updated to the version in
-- development (scripts/test runs the whole suite that way too). Not echoed, so both ways give
-- the same expected output.
\getenv workitem_upgrade_from WORKITEM_UPGRADE_FROM
\if :{?workitem_upgrade_from}
CREATE EXTENSION workitem VERSION :'workitem_upgrade_from';
ALTER EXTENSION workitem UPDATE;
\else
CREATE EXTENSION workitem;
\endif
\set ECHO all
