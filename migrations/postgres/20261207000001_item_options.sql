-- Options of menu items: groups ("Size": choose 1; "Extras": up to 2), each
-- with its options ("Half pint", -250 cents). Ids are UUID strings; a group
-- or option an admin keeps when editing the item keeps its id, so a cart
-- holding it still names it. Tables rather than a text column like
-- allergens: a bartender switches one option sold out on its own, and an
-- order is checked against each option's price and availability. Both
-- cascade with their item: deleting an item deletes its options, and an
-- archived item keeps them, as orders keep their own copy anyway.
CREATE TABLE menu_option_groups (
    id          TEXT PRIMARY KEY NOT NULL,
    item_id     TEXT NOT NULL REFERENCES menu_items (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    -- How many a guest picks: 0 makes the group optional; 1 as the
    -- maximum, a single choice (shared::validate::option_groups).
    min_choices BIGINT NOT NULL CHECK (min_choices >= 0),
    max_choices BIGINT NOT NULL CHECK (max_choices >= 1),
    CHECK (min_choices <= max_choices)
);
CREATE INDEX idx_menu_option_groups_item_id ON menu_option_groups (item_id);

CREATE TABLE menu_options (
    id                TEXT PRIMARY KEY NOT NULL,
    group_id          TEXT NOT NULL REFERENCES menu_option_groups (id) ON DELETE CASCADE,
    position          BIGINT NOT NULL,
    name              TEXT NOT NULL,
    -- Added to the item's price when chosen; negative for less.
    price_delta_cents BIGINT NOT NULL DEFAULT 0,
    -- False while this option alone is sold out.
    available         BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_menu_options_group_id ON menu_options (group_id);

-- An order line keeps the options chosen as they were when ordered, as it
-- keeps the name, the price and the allergens: JSON of
-- Vec<shared::bar::ChosenOption> (id, group name, name, price difference),
-- '[]' for none. A snapshot, not a reference: the ticket shows what was
-- ordered whatever the menu says later, even once the option is renamed or
-- gone. Text is the same on both databases and moves with
-- move-to-postgres as it is.
ALTER TABLE order_lines ADD COLUMN options TEXT NOT NULL DEFAULT '[]';
