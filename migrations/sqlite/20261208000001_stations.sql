-- Stations: where a category is prepared (the bar, the kitchen). Each
-- bartender screen shows one station or all of them; an order with lines
-- at two stations is ready once both have marked their lines ready.
CREATE TABLE stations (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_stations_name ON stations (LOWER(name));

-- A bar that already has a menu gets one station, "Bar", with a fixed id,
-- and every category is prepared there. A database without a menu gets
-- none here: `move-to-postgres` fills only a PostgreSQL database whose
-- tables hold no row after its migrations, so an empty database must stay
-- empty. The first category made later brings its station with it
-- (services::menu), or the admin adds stations first.
INSERT INTO stations (id, name, position, created_at, updated_at)
SELECT '00000000-0000-4000-8000-00000000ba00', 'Bar', 0,
       (SELECT MIN(created_at) FROM menu_categories),
       (SELECT MIN(created_at) FROM menu_categories)
WHERE EXISTS (SELECT 1 FROM menu_categories);

-- Archived categories point at a station too, so a category brought back
-- or read by past orders always names one. Never NULL once written by the
-- server; NULL only before the backfill below.
ALTER TABLE menu_categories ADD COLUMN station_id TEXT REFERENCES stations (id);
UPDATE menu_categories SET station_id = '00000000-0000-4000-8000-00000000ba00';
CREATE INDEX idx_menu_categories_station_id ON menu_categories (station_id);

-- A line keeps the station it was ordered for, id and name, copied like
-- its name and price: renaming or deleting a station later changes no
-- ticket. No foreign key, for the same reason. `ready_at` is when that
-- station marked the line ready (Unix ms), NULL while it is not.
ALTER TABLE order_lines ADD COLUMN station_id TEXT;
ALTER TABLE order_lines ADD COLUMN station_name TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN ready_at INTEGER;
UPDATE order_lines SET station_id = '00000000-0000-4000-8000-00000000ba00', station_name = 'Bar';
-- Lines of orders that were already ready were ready when their order was.
UPDATE order_lines SET ready_at = (
    SELECT COALESCE(o.ready_at, o.updated_at) FROM orders o WHERE o.id = order_lines.order_id
)
WHERE order_id IN (SELECT id FROM orders WHERE status IN ('ready', 'served'));
CREATE INDEX idx_order_lines_station_id ON order_lines (station_id);
