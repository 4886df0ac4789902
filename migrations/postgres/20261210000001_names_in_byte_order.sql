-- The menu lists items (and categories) that share a position by name,
-- compared byte by byte: the order SQLite's BINARY collation gives, and the
-- one the apps keep when a live update moves an item. A database created
-- with a language's collation (en_US, say) would put "apple" before
-- "Banana" where the apps put it after. The menu's queries sort names
-- `COLLATE "binary"`: SQLite's built-in BINARY, and this collation here.
CREATE COLLATION "binary" (provider = libc, locale = 'C');
