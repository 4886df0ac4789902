//! An item's options as a guest picks them on the menu: what is chosen
//! when the panel opens, how a tap changes the choice, and the price of one
//! shown while choosing. Whether a choice fits the item is for
//! `shared::validate::choose` to say, the rule the server checks orders by.

use shared::bar::{MenuItem, OptionGroup};

/// What the panel starts with: in each group that wants exactly one
/// choice, its first option not sold out. Groups a guest may leave empty,
/// or fill with several, start empty.
pub(crate) fn preselect(item: &MenuItem) -> Vec<String> {
    item.option_groups
        .iter()
        .filter(|g| g.is_required() && g.is_single())
        .filter_map(|g| g.options.iter().find(|o| o.available))
        .map(|o| o.id.clone())
        .collect()
}

/// Whether `id` is one of `group`'s options.
fn in_group(group: &OptionGroup, id: &str) -> bool {
    group.options.iter().any(|o| o.id == id)
}

/// Ticks (`on`) or unticks the option `option` of `group` in `chosen`. In a
/// group of one choice, it replaces the one chosen before, as a radio
/// button does.
pub(crate) fn pick(chosen: &mut Vec<String>, group: &OptionGroup, option: &str, on: bool) {
    if group.is_single() {
        clear(chosen, group);
    } else {
        chosen.retain(|id| id != option);
    }
    if on {
        chosen.push(option.to_owned());
    }
}

/// Leaves nothing chosen in `group`: the "None" of a single choice a guest
/// may skip.
pub(crate) fn clear(chosen: &mut Vec<String>, group: &OptionGroup) {
    chosen.retain(|id| !in_group(group, id));
}

/// How many of `group`'s options are chosen.
pub(crate) fn count_in(group: &OptionGroup, chosen: &[String]) -> usize {
    chosen.iter().filter(|id| in_group(group, id)).count()
}

/// The price of one with the options `chosen`, as the panel shows it while
/// the guest picks: the item's price with each chosen option's difference,
/// never below zero. Once added, the cart prices the line by `choose`,
/// which gives the same for a choice that fits.
pub(crate) fn shown_price(item: &MenuItem, chosen: &[String]) -> i64 {
    let deltas: i64 = item
        .option_groups
        .iter()
        .flat_map(|g| g.options.iter())
        .filter(|o| chosen.contains(&o.id))
        .map(|o| o.price_delta_cents)
        .sum();
    (item.price_cents + deltas).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::ItemOption;

    fn option(id: &str, price_delta_cents: i64, available: bool) -> ItemOption {
        ItemOption {
            id: id.to_owned(),
            name: id.to_uppercase(),
            price_delta_cents,
            available,
        }
    }

    fn group(id: &str, min: u32, max: u32, options: Vec<ItemOption>) -> OptionGroup {
        OptionGroup {
            id: id.to_owned(),
            name: id.to_uppercase(),
            min_choices: min,
            max_choices: max,
            options,
        }
    }

    fn lager() -> MenuItem {
        let size = vec![option("pint", 0, false), option("half", -250, true)];
        let extras = vec![option("lime", 20, true), option("shot", 300, true)];
        MenuItem {
            id: "lager".to_owned(),
            category_id: "c".to_owned(),
            name: "Lager".to_owned(),
            price_cents: 550,
            option_groups: vec![
                group("size", 1, 1, size),
                group("glass", 0, 1, vec![option("jug", 0, true)]),
                group("extras", 1, 2, extras),
            ],
            available: true,
            ..MenuItem::default()
        }
    }

    #[test]
    fn only_groups_of_exactly_one_choice_start_with_their_first_available_option() {
        // The pint is sold out: the half pint is the first one there is.
        assert_eq!(preselect(&lager()), ["half"]);
        let mut all_out = lager();
        all_out.option_groups[0].options[1].available = false;
        assert!(preselect(&all_out).is_empty());
    }

    #[test]
    fn a_single_choice_replaces_the_last_and_several_add_up() {
        let item = lager();
        let (size, extras) = (&item.option_groups[0], &item.option_groups[2]);
        let mut chosen = vec!["half".to_owned()];
        pick(&mut chosen, size, "pint", true);
        assert_eq!(chosen, ["pint"]);
        pick(&mut chosen, extras, "lime", true);
        pick(&mut chosen, extras, "shot", true);
        assert_eq!(count_in(extras, &chosen), 2);
        pick(&mut chosen, extras, "lime", false);
        assert_eq!(chosen, ["pint", "shot"]);
        clear(&mut chosen, size);
        assert_eq!(chosen, ["shot"]);
        assert_eq!(count_in(size, &chosen), 0);
    }

    #[test]
    fn the_price_shown_adds_the_differences_of_what_is_chosen() {
        let item = lager();
        assert_eq!(shown_price(&item, &[]), 550);
        let half = vec!["half".to_owned()];
        assert_eq!(shown_price(&item, &half), 300);
        let more = vec!["half".to_owned(), "shot".to_owned(), "lime".to_owned()];
        assert_eq!(shown_price(&item, &more), 620);
        let mut cheap = lager();
        cheap.price_cents = 100;
        assert_eq!(shown_price(&cheap, &half), 0, "never below zero");
    }
}
