-- PostgreSQL's migration of this version creates the "binary" collation the
-- menu's queries sort names with; SQLite has it built in (BINARY). Nothing
-- changes here: both schemas keep the same list of migrations, which a move
-- to PostgreSQL compares.
SELECT 1;
