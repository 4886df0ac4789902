-- The allergens an item contains, of the 14 that EU/UK food law names:
-- their wire names (shared::bar::Allergen) joined by commas, in the law's
-- order, '' for none. A text column rather than a join table: the list is
-- short, always read and written whole with its item, and a text column
-- is the same on both databases (and moves with move-to-postgres as it is).
-- Items from before have none until an admin says otherwise.
ALTER TABLE menu_items ADD COLUMN allergens TEXT NOT NULL DEFAULT '';

-- An order line keeps the allergens its item had when it was ordered, as it
-- keeps the name and the price: the ticket shows what was ordered, whatever
-- the menu says later.
ALTER TABLE order_lines ADD COLUMN allergens TEXT NOT NULL DEFAULT '';
