//! The "Options" section of the item form: the item's option groups ("Size:
//! choose 1 of Pint, Half pint −2.50"; "Extras: up to 2 of …") as the admin
//! types them, turned into the list the API takes and checked with the
//! server's own rules (`shared::validate::option_groups`, `option_prices`)
//! before sending. Groups and options the item has keep their ids, so carts
//! holding them stay valid.

use leptos::prelude::*;
use shared::bar::{
    format_price, parse_price, ItemOptionInput, MenuItem, OptionGroup, OptionGroupInput,
    MENU_NAME_MAX_LEN, OPTIONS_PER_GROUP_MAX,
};
use shared::validate;
use ui::components::MoveButtons;
use ui::format::price_delta;

use crate::components::editor::{place_of, swap_with_neighbour};
use crate::components::TextField;

/// One group as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupDraft {
    /// Tells the groups apart on the page while they are added, moved and
    /// removed; never sent.
    pub(crate) key: u64,
    /// The group's id, when it is one the item has now.
    pub(crate) id: Option<String>,
    pub(crate) name: String,
    /// The fewest choices: 0 when the guest may skip the group, 1 (or what
    /// the group had) when "Required" is ticked.
    pub(crate) min: u32,
    /// The most choices, as typed.
    pub(crate) max: String,
    pub(crate) options: Vec<OptionDraft>,
}

/// One option as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OptionDraft {
    /// As [`GroupDraft::key`].
    pub(crate) key: u64,
    /// The option's id, when it is one the item has now.
    pub(crate) id: Option<String>,
    pub(crate) name: String,
    /// The price difference as typed: "0.40", "-2.50", empty for none.
    pub(crate) delta: String,
    /// Whether it was on sale when the form opened (the bar switches it,
    /// not this form; see [`checked_options`]).
    pub(crate) available: bool,
}

/// The groups of the form, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OptionDrafts {
    next: u64,
    pub(crate) groups: Vec<GroupDraft>,
}

impl OptionDrafts {
    /// The item's groups as the form starts with them. They go through
    /// `OptionGroupInput::from`, the shape the API takes back, with the ids.
    pub(crate) fn from_groups(groups: &[OptionGroup]) -> OptionDrafts {
        let mut drafts = OptionDrafts::default();
        for group in groups.iter().map(OptionGroupInput::from) {
            let key = drafts.new_key();
            let options = group
                .options
                .into_iter()
                .map(|o| OptionDraft {
                    key: drafts.new_key(),
                    id: o.id,
                    name: o.name,
                    delta: delta_text(o.price_delta_cents),
                    available: o.available,
                })
                .collect();
            drafts.groups.push(GroupDraft {
                key,
                id: group.id,
                name: group.name,
                min: group.min_choices,
                max: group.max_choices.to_string(),
                options,
            });
        }
        drafts
    }

    fn new_key(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn new_option(&mut self) -> OptionDraft {
        OptionDraft {
            key: self.new_key(),
            id: None,
            name: String::new(),
            delta: String::new(),
            available: true,
        }
    }

    /// A new group at the end: required, one choice, one empty option, the
    /// most common kind ("Size").
    pub(crate) fn add_group(&mut self) {
        let key = self.new_key();
        let option = self.new_option();
        self.groups.push(GroupDraft {
            key,
            id: None,
            name: String::new(),
            min: 1,
            max: "1".to_owned(),
            options: vec![option],
        });
    }

    pub(crate) fn remove_group(&mut self, group: u64) {
        self.groups.retain(|g| g.key != group);
    }

    /// Moves a group one place up or down.
    pub(crate) fn move_group(&mut self, group: u64, up: bool) {
        if let Some(at) = self.groups.iter().position(|g| g.key == group) {
            swap_with_neighbour(&mut self.groups, at, up);
        }
    }

    pub(crate) fn group(&self, group: u64) -> Option<&GroupDraft> {
        self.groups.iter().find(|g| g.key == group)
    }

    pub(crate) fn group_mut(&mut self, group: u64) -> Option<&mut GroupDraft> {
        self.groups.iter_mut().find(|g| g.key == group)
    }

    /// Changes a group with `change`, if it is still there.
    fn edit_group(&mut self, group: u64, change: impl FnOnce(&mut GroupDraft)) {
        if let Some(g) = self.group_mut(group) {
            change(g);
        }
    }

    /// A new empty option at the end of a group.
    pub(crate) fn add_option(&mut self, group: u64) {
        let option = self.new_option();
        self.edit_group(group, |g| g.options.push(option));
    }

    pub(crate) fn remove_option(&mut self, group: u64, option: u64) {
        self.edit_group(group, |g| g.options.retain(|o| o.key != option));
    }

    /// Moves an option one place up or down within its group.
    pub(crate) fn move_option(&mut self, group: u64, option: u64, up: bool) {
        self.edit_group(group, |g| {
            if let Some(at) = g.options.iter().position(|o| o.key == option) {
                swap_with_neighbour(&mut g.options, at, up);
            }
        });
    }

    pub(crate) fn option(&self, group: u64, option: u64) -> Option<&OptionDraft> {
        self.group(group)?.options.iter().find(|o| o.key == option)
    }

    pub(crate) fn option_mut(&mut self, group: u64, option: u64) -> Option<&mut OptionDraft> {
        self.group_mut(group)?
            .options
            .iter_mut()
            .find(|o| o.key == option)
    }

    /// The groups in the API's shape, or a sentence about the first number
    /// that cannot be read. The rest (names, counts, ranges) is for
    /// `validate::option_groups` to check.
    pub(crate) fn to_inputs(&self) -> Result<Vec<OptionGroupInput>, String> {
        let groups = self.groups.iter().enumerate().map(|(i, g)| {
            let group = called(&g.name, &format!("option group {}", i + 1));
            let max_choices = g.max.trim().parse::<u32>().map_err(|_| {
                format!("In {group}, type the most a guest can choose as a number, like 1.")
            })?;
            let options = g.options.iter().map(|o| {
                let price_delta_cents = typed_price_delta(&o.delta).map_err(|_| {
                    format!(
                        "Type the price difference of {} like 0.40, or -2.50 for less.",
                        called(&o.name, "each option")
                    )
                })?;
                Ok(ItemOptionInput {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    price_delta_cents,
                    available: o.available,
                })
            });
            Ok(OptionGroupInput {
                options: options.collect::<Result<_, String>>()?,
                id: g.id.clone(),
                name: g.name.clone(),
                min_choices: g.min,
                max_choices,
            })
        });
        groups.collect()
    }
}

/// `“Size”`, or `otherwise` for a name not typed yet.
fn called(name: &str, otherwise: &str) -> String {
    match name.trim() {
        "" => otherwise.to_owned(),
        name => format!("“{name}”"),
    }
}

/// A price difference as the form shows it: `"-2.50"`, `"0.40"`, and
/// nothing for none.
fn delta_text(cents: i64) -> String {
    if cents == 0 {
        String::new()
    } else {
        format_price(cents)
    }
}

/// A price difference as typed: like a price ("0.40", "0,4"), with a `+`
/// or a minus in front ("-2.50", "−2.50") for less; empty is none. The
/// range is `validate::option_groups`'s to check.
pub(crate) fn typed_price_delta(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    let (sign, digits) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let cents = parse_price(digits.trim())
        .ok_or_else(|| "Type a price difference like 0.40, or -2.50 for less.".to_owned())?;
    Ok(sign * cents)
}

/// The groups to send for an item priced `price_cents`, checked with the
/// server's rules: `item` is the item being edited as the menu has it now
/// (the ids its groups may keep), none for a new item.
pub(crate) fn checked_options(
    drafts: &OptionDrafts,
    price_cents: i64,
    item: Option<&MenuItem>,
) -> Result<Vec<OptionGroupInput>, String> {
    let known = item
        .map(|item| validate::KnownIds::of(&item.option_groups))
        .unwrap_or_default();
    let mut groups = validate::option_groups(&drafts.to_inputs()?, &known)?;
    validate::option_prices(price_cents, &groups)?;
    // Options the item keeps take their availability from `item` as it is
    // now: the bar may have marked one sold out since the form opened, and
    // saving a new name or price must not put it back on sale.
    let now = item
        .iter()
        .flat_map(|i| &i.option_groups)
        .flat_map(|g| &g.options);
    for option in groups.iter_mut().flat_map(|g| g.options.iter_mut()) {
        if let Some(now) = now
            .clone()
            .find(|o| option.id.as_deref() == Some(o.id.as_str()))
        {
            option.available = now.available;
        }
    }
    Ok(groups)
}

/// An item's options in one line, for the menu editor's list: `"Size
/// (choose 1): Pint, Half pint −2.50 · Extras (choose up to 2): Lime
/// +0.20"`; empty for none.
pub(crate) fn summary(groups: &[OptionGroup]) -> String {
    groups
        .iter()
        .map(|g| {
            let options = g
                .options
                .iter()
                .map(|o| match price_delta(o.price_delta_cents) {
                    delta if delta.is_empty() => o.name.clone(),
                    delta => format!("{} {delta}", o.name),
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{} ({}): {options}", g.name, g.rule())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The section: each group with its name, "Required", "Up to" and its
/// options (name and price difference), each movable and removable; "Add
/// group" at the end. `id_prefix` keeps the fields' ids unique on the page.
#[component]
pub(crate) fn OptionsEditor(
    drafts: RwSignal<OptionDrafts>,
    #[prop(into)] id_prefix: String,
) -> impl IntoView {
    let prefix = StoredValue::new(id_prefix);
    let group_keys = move || drafts.with(|d| d.groups.iter().map(|g| g.key).collect::<Vec<_>>());
    view! {
        <fieldset class="field-options" data-testid="item-options">
            <legend>"Options"</legend>
            <Show when=move || drafts.with(|d| d.groups.is_empty())>
                <p class="muted options-none">
                    "None: guests order it as it is. Add a group for a choice such as a size or extras."
                </p>
            </Show>
            <ol class="option-groups">
                <For
                    each=group_keys
                    key=|group_key| *group_key
                    children=move |group_key| {
                        view! { <GroupEditor drafts group_key prefix=prefix.get_value() /> }
                    }
                />
            </ol>
            <button
                type="button"
                class="button secondary"
                data-testid="add-option-group"
                on:click=move |_| drafts.update(OptionDrafts::add_group)
            >
                "Add group"
            </button>
        </fieldset>
    }
}

/// One group of the section.
#[component]
fn GroupEditor(drafts: RwSignal<OptionDrafts>, group_key: u64, prefix: String) -> impl IntoView {
    let text = move |f: fn(&GroupDraft) -> String| {
        move || drafts.with(|d| d.group(group_key).map(f).unwrap_or_default())
    };
    let name = text(|g| g.name.clone());
    let most = text(|g| g.max.clone());
    let required = move || drafts.with(|d| d.group(group_key).is_some_and(|g| g.min > 0));
    let called_here = move || called(&name(), "this group");
    let place = move || drafts.with(|d| place_of(&d.groups, |g| g.key == group_key));
    let option_keys = move || {
        drafts.with(|d| {
            d.group(group_key)
                .map(|g| g.options.iter().map(|o| o.key).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let set = move |f: fn(&mut GroupDraft, String)| {
        Callback::new(move |value| drafts.update(|d| d.edit_group(group_key, |g| f(g, value))))
    };
    let set_max = set(|g, value| g.max = value);
    let option_prefix = StoredValue::new(format!("{prefix}-group-{group_key}"));
    let id = move |what: &str| option_prefix.with_value(|p| format!("{p}-{what}"));

    view! {
        <li class="option-group-editor" data-testid="option-group-editor" data-group-name=name>
            <div class="group-fields">
                <TextField
                    id=id("name")
                    label="Group name"
                    testid="group-name"
                    max_len=MENU_NAME_MAX_LEN
                    placeholder="e.g. Size"
                    value=name
                    set=set(|g, value| g.name = value)
                />
                <label class="check-field" for=id("required")>
                    <input
                        type="checkbox"
                        id=id("required")
                        data-testid="group-required"
                        prop:checked=required
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            drafts.update(|d| {
                                d.edit_group(group_key, |g| g.min = if on { g.min.max(1) } else { 0 });
                            });
                        }
                    />
                    "Required"
                </label>
                <div class="field field-max">
                    <label for=id("max")>"Up to"</label>
                    <input
                        id=id("max")
                        type="number"
                        min="1"
                        max=OPTIONS_PER_GROUP_MAX
                        step="1"
                        data-testid="group-max"
                        autocomplete="off"
                        prop:value=most
                        on:input=move |ev| set_max.run(event_target_value(&ev))
                    />
                </div>
                <div class="row-actions">
                    <MoveButtons
                        what="group"
                        name=called_here
                        place=place
                        on_move=Callback::new(move |up| drafts.update(|d| d.move_group(group_key, up)))
                    />
                    <button
                        type="button"
                        class="button secondary danger-text"
                        data-testid="remove-option-group"
                        aria-label=move || format!("Remove group {}", called_here())
                        on:click=move |_| drafts.update(|d| d.remove_group(group_key))
                    >
                        "Remove group"
                    </button>
                </div>
            </div>
            <ul class="option-rows">
                <For
                    each=option_keys
                    key=|option_key| *option_key
                    children=move |option_key| {
                        view! {
                            <OptionEditor drafts group_key option_key prefix=option_prefix.get_value() />
                        }
                    }
                />
            </ul>
            <button
                type="button"
                class="button secondary"
                data-testid="add-option"
                aria-label=move || format!("Add an option to {}", called_here())
                on:click=move |_| drafts.update(|d| d.add_option(group_key))
            >
                "Add option"
            </button>
        </li>
    }
}

/// One option of a group: its name and price difference.
#[component]
fn OptionEditor(
    drafts: RwSignal<OptionDrafts>,
    group_key: u64,
    option_key: u64,
    prefix: String,
) -> impl IntoView {
    let text = move |f: fn(&OptionDraft) -> String| {
        move || drafts.with(|d| d.option(group_key, option_key).map(f).unwrap_or_default())
    };
    let name = text(|o| o.name.clone());
    let delta = text(|o| o.delta.clone());
    let called_here = move || called(&name(), "this option");
    let place = move || {
        drafts.with(|d| {
            let options = d.group(group_key).map_or(&[][..], |g| g.options.as_slice());
            place_of(options, |o| o.key == option_key)
        })
    };
    let set = move |f: fn(&mut OptionDraft, String)| {
        Callback::new(move |value| {
            drafts.update(|d| {
                if let Some(o) = d.option_mut(group_key, option_key) {
                    f(o, value);
                }
            });
        })
    };

    view! {
        <li class="option-row" data-testid="option-editor" data-option-name=name>
            <TextField
                id=format!("{prefix}-option-{option_key}-name")
                label="Option"
                testid="option-name"
                max_len=MENU_NAME_MAX_LEN
                placeholder="e.g. Half pint"
                value=name
                set=set(|o, value| o.name = value)
            />
            <TextField
                id=format!("{prefix}-option-{option_key}-price")
                class="field field-price"
                label="Price difference"
                testid="option-price"
                placeholder="e.g. -2.50"
                value=delta
                set=set(|o, value| o.delta = value)
            />
            <div class="row-actions">
                <MoveButtons
                    what="option"
                    name=called_here
                    place=place
                    on_move=Callback::new(move |up| {
                        drafts.update(|d| d.move_option(group_key, option_key, up));
                    })
                />
                <button
                    type="button"
                    class="button secondary danger-text"
                    data-testid="remove-option"
                    aria-label=move || format!("Remove option {}", called_here())
                    on:click=move |_| drafts.update(|d| d.remove_option(group_key, option_key))
                >
                    "Remove option"
                </button>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::ItemOption;

    fn lager() -> MenuItem {
        let option = |id: &str, name: &str, d: i64, available: bool| ItemOption {
            id: id.to_owned(),
            name: name.to_owned(),
            price_delta_cents: d,
            available,
        };
        MenuItem {
            id: "lager".to_owned(),
            category_id: "c".to_owned(),
            name: "Lager".to_owned(),
            price_cents: 550,
            option_groups: vec![
                OptionGroup {
                    id: "size".to_owned(),
                    name: "Size".to_owned(),
                    min_choices: 1,
                    max_choices: 1,
                    options: vec![
                        option("pint", "Pint", 0, true),
                        option("half", "Half pint", -250, true),
                    ],
                },
                OptionGroup {
                    id: "extras".to_owned(),
                    name: "Extras".to_owned(),
                    min_choices: 0,
                    max_choices: 2,
                    options: vec![
                        option("lime", "Lime", 20, false),
                        option("shot", "Shot", 300, true),
                    ],
                },
            ],
            available: true,
            ..MenuItem::default()
        }
    }

    #[test]
    fn price_differences_are_typed_like_prices_with_a_sign() {
        assert_eq!(typed_price_delta(""), Ok(0));
        assert_eq!(typed_price_delta("  "), Ok(0));
        assert_eq!(typed_price_delta("0.40"), Ok(40));
        assert_eq!(typed_price_delta("+0,4"), Ok(40));
        assert_eq!(typed_price_delta("-2.50"), Ok(-250));
        assert_eq!(typed_price_delta(" \u{2212}2.5 "), Ok(-250));
        assert_eq!(typed_price_delta("- 3"), Ok(-300));
        for wrong in ["two", "-", "+", "--1", "1.234", "-2.50-", "+-1"] {
            assert!(typed_price_delta(wrong).is_err(), "{wrong}");
        }
        // What the form shows reads back as what was stored.
        for cents in [0, 40, -250, 1_000_000, -1_000_000] {
            assert_eq!(typed_price_delta(&delta_text(cents)), Ok(cents));
        }
    }

    #[test]
    fn an_items_groups_come_back_as_they_were_with_their_ids() {
        let item = lager();
        let drafts = OptionDrafts::from_groups(&item.option_groups);
        assert_eq!(drafts.groups[0].options[1].delta, "-2.50");
        assert_eq!(drafts.groups[0].options[0].delta, "");
        let sent = checked_options(&drafts, item.price_cents, Some(&item)).unwrap();
        let expected: Vec<OptionGroupInput> = item
            .option_groups
            .iter()
            .map(OptionGroupInput::from)
            .collect();
        assert_eq!(sent, expected);
    }

    #[test]
    fn new_groups_and_options_have_no_ids_and_keep_the_order_typed() {
        let mut drafts = OptionDrafts::default();
        drafts.add_group();
        let size = drafts.groups[0].key;
        drafts.group_mut(size).unwrap().name = "Size".to_owned();
        let pint = drafts.groups[0].options[0].key;
        drafts.option_mut(size, pint).unwrap().name = "Pint".to_owned();
        drafts.add_option(size);
        let half = drafts.groups[0].options[1].key;
        let option = drafts.option_mut(size, half).unwrap();
        option.name = "Half pint".to_owned();
        option.delta = "-2.50".to_owned();
        drafts.move_option(size, half, true);
        drafts.move_option(size, half, true);

        let sent = checked_options(&drafts, 550, None).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].min_choices, sent[0].max_choices), (1, 1));
        assert_eq!(sent[0].id, None);
        let names: Vec<(&str, i64)> = sent[0]
            .options
            .iter()
            .map(|o| (o.name.as_str(), o.price_delta_cents))
            .collect();
        assert_eq!(names, [("Half pint", -250), ("Pint", 0)]);

        drafts.add_group();
        let second = drafts.groups[1].key;
        drafts.move_group(second, true);
        assert_eq!(drafts.groups[0].key, second);
        drafts.remove_group(second);
        drafts.remove_option(size, pint);
        assert_eq!(drafts.groups.len(), 1);
        assert_eq!(drafts.groups[0].options.len(), 1);
    }

    #[test]
    fn the_form_says_what_to_fix_before_sending() {
        let item = lager();
        let typed = |change: fn(&mut OptionDrafts)| {
            let mut drafts = OptionDrafts::from_groups(&item.option_groups);
            change(&mut drafts);
            checked_options(&drafts, 550, Some(&item))
        };
        let problem = typed(|d| d.groups[1].max = "two".to_owned()).unwrap_err();
        assert!(problem.contains("“Extras”"), "{problem}");
        let problem = typed(|d| d.groups[0].options[1].delta = "less".to_owned()).unwrap_err();
        assert!(problem.contains("“Half pint”"), "{problem}");

        // The server's rules: more choices than options, a price below zero.
        assert!(typed(|d| d.groups[1].max = "3".to_owned()).is_err());
        let drafts = OptionDrafts::from_groups(&item.option_groups);
        assert!(checked_options(&drafts, 200, Some(&item)).is_err());
        // Ids of another item's options are not this one's to keep.
        assert!(checked_options(&drafts, 550, None).is_err());
    }

    #[test]
    fn saving_keeps_what_the_bar_switched_meanwhile() {
        let item = lager();
        let drafts = OptionDrafts::from_groups(&item.option_groups);
        let mut now = lager();
        now.option_groups[0].options[1].available = false;
        now.option_groups[1].options[0].available = true;
        let sent = checked_options(&drafts, 550, Some(&now)).unwrap();
        assert!(
            !sent[0].options[1].available,
            "half pint sold out at the bar"
        );
        assert!(sent[1].options[0].available, "lime back on at the bar");
    }

    #[test]
    fn the_editor_lists_options_in_one_line() {
        assert_eq!(
            summary(&lager().option_groups),
            "Size (choose 1): Pint, Half pint \u{2212}2.50 · Extras (choose up to 2): Lime +0.20, Shot +3.00"
        );
        assert_eq!(summary(&[]), "");
    }
}
