//! The "Options" section of the item form: the item's option groups ("Size:
//! choose 1 of Pint, Half pint −2.50"; "Extras: up to 2 of …") as the admin
//! types them, turned into the list the API takes and checked with the
//! server's own rules (`shared::validate::option_groups`, `option_prices`)
//! before sending. Groups and options the item has keep their ids, so carts
//! holding them stay valid.

use leptos::prelude::*;
use shared::bar::{
    format_price, parse_price, ItemOption, ItemOptionInput, MenuItem, OptionGroup,
    OptionGroupInput, MENU_NAME_MAX_LEN, OPTIONS_PER_GROUP_MAX,
};
use shared::validate;
use ui::components::MoveButtons;
use ui::format::price_delta;

use crate::editor::{place_of, swap_with_neighbour};
use crate::TextField;

/// One group as typed. Its fields are signals of their own: typing in one
/// redraws only what shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GroupDraft {
    /// Tells the groups apart on the page while they are added, moved and
    /// removed; never sent.
    key: u64,
    /// The group's id, when it is one the item has now.
    id: StoredValue<Option<String>>,
    name: RwSignal<String>,
    /// The fewest choices: 0 when the guest may skip the group, 1 (or what
    /// the group had) when "Required" is ticked.
    min: RwSignal<u32>,
    /// The most choices, as typed.
    max: RwSignal<String>,
    options: RwSignal<Vec<OptionDraft>>,
}

/// One option as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OptionDraft {
    /// As [`GroupDraft::key`].
    key: u64,
    /// The option's id, when it is one the item has now.
    id: StoredValue<Option<String>>,
    name: RwSignal<String>,
    /// The price difference as typed: "0.40", "-2.50", empty for none.
    delta: RwSignal<String>,
    /// Whether it was on sale when the form opened (the bar switches it,
    /// not this form; see [`checked_options`]).
    available: bool,
}

/// The groups of the form, in order.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OptionDrafts {
    /// The last key given out.
    next: StoredValue<u64>,
    groups: RwSignal<Vec<GroupDraft>>,
}

impl OptionDrafts {
    /// The item's groups as the form starts with them (see [`Self::set`]).
    pub(crate) fn new(groups: &[OptionGroup]) -> OptionDrafts {
        let drafts = OptionDrafts::default();
        drafts.set(groups);
        drafts
    }

    /// Starts again from `groups`. They go through `OptionGroupInput::from`,
    /// the shape the API takes back, with the ids.
    pub(crate) fn set(self, groups: &[OptionGroup]) {
        self.next.set_value(0);
        let groups = groups.iter().map(|g| self.group(g.into())).collect();
        self.groups.set(groups);
    }

    fn new_key(self) -> u64 {
        self.next.update_value(|next| *next += 1);
        self.next.get_value()
    }

    fn group(self, group: OptionGroupInput) -> GroupDraft {
        GroupDraft {
            key: self.new_key(),
            id: StoredValue::new(group.id),
            name: RwSignal::new(group.name),
            min: RwSignal::new(group.min_choices),
            max: RwSignal::new(group.max_choices.to_string()),
            options: RwSignal::new(group.options.into_iter().map(|o| self.option(o)).collect()),
        }
    }

    fn option(self, option: ItemOptionInput) -> OptionDraft {
        OptionDraft {
            key: self.new_key(),
            id: StoredValue::new(option.id),
            name: RwSignal::new(option.name),
            delta: RwSignal::new(delta_text(option.price_delta_cents)),
            available: option.available,
        }
    }

    /// A new group at the end: required, one choice, one empty option, the
    /// most common kind ("Size").
    fn add_group(self) {
        let group = self.group(OptionGroupInput {
            id: None,
            name: String::new(),
            min_choices: 1,
            max_choices: 1,
            options: vec![blank_option()],
        });
        self.groups.update(|groups| groups.push(group));
    }

    /// A new empty option at the end of `group`.
    fn add_option(self, group: GroupDraft) {
        let option = self.option(blank_option());
        group.options.update(|options| options.push(option));
    }

    /// The groups in the API's shape, or a sentence about the first number
    /// that cannot be read. The rest (names, counts, ranges) is for
    /// `validate::option_groups` to check.
    pub(crate) fn to_inputs(self) -> Result<Vec<OptionGroupInput>, String> {
        let groups = self.groups.get_untracked().into_iter().enumerate();
        let groups = groups.map(|(i, g)| {
            let name = g.name.get_untracked();
            let group = called(&name, &format!("option group {}", i + 1));
            let max_choices = g.max.get_untracked().trim().parse::<u32>().map_err(|_| {
                format!("In {group}, type the most a guest can choose as a number, like 1.")
            })?;
            let options = g.options.get_untracked().into_iter().map(|o| {
                let name = o.name.get_untracked();
                let price_delta_cents =
                    typed_price_delta(&o.delta.get_untracked()).map_err(|_| {
                        format!(
                            "Type the price difference of {} like 0.40, or -2.50 for less.",
                            called(&name, "each option")
                        )
                    })?;
                Ok(ItemOptionInput {
                    id: o.id.get_value(),
                    name,
                    price_delta_cents,
                    available: o.available,
                })
            });
            Ok(OptionGroupInput {
                options: options.collect::<Result<_, String>>()?,
                id: g.id.get_value(),
                name,
                min_choices: g.min.get_untracked(),
                max_choices,
            })
        });
        groups.collect()
    }
}

/// A new option as the API takes it: no name, no price difference, on sale.
fn blank_option() -> ItemOptionInput {
    ItemOptionInput {
        id: None,
        name: String::new(),
        price_delta_cents: 0,
        available: true,
    }
}

/// Moves `draft` one place up or down in `list`.
fn shift<T: PartialEq>(list: &mut [T], draft: T, up: bool) {
    if let Some(at) = list.iter().position(|d| *d == draft) {
        swap_with_neighbour(list, at, up);
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
    match cents {
        0 => String::new(),
        cents => format_price(cents),
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
    drafts: OptionDrafts,
    price_cents: i64,
    item: Option<&MenuItem>,
) -> Result<Vec<OptionGroupInput>, String> {
    let known = item.map(|item| validate::KnownIds::of(&item.option_groups));
    let mut groups = validate::option_groups(&drafts.to_inputs()?, &known.unwrap_or_default())?;
    validate::option_prices(price_cents, &groups)?;
    // Options the item keeps take their availability from `item` as it is
    // now: the bar may have marked one sold out since the form opened, and
    // saving a new name or price must not put it back on sale.
    let now = item
        .iter()
        .flat_map(|i| &i.option_groups)
        .flat_map(|g| &g.options);
    for option in groups.iter_mut().flat_map(|g| g.options.iter_mut()) {
        if let Some(now) = now.clone().find(|o| option.id.as_ref() == Some(&o.id)) {
            option.available = now.available;
        }
    }
    Ok(groups)
}

/// An item's options in one line, for the menu editor's list: `"Size
/// (choose 1): Pint, Half pint −2.50 · Extras (choose up to 2): Lime
/// +0.20"`; empty for none.
pub(crate) fn summary(groups: &[OptionGroup]) -> String {
    let option = |o: &ItemOption| match price_delta(o.price_delta_cents) {
        delta if delta.is_empty() => o.name.clone(),
        delta => format!("{} {delta}", o.name),
    };
    let group = |g: &OptionGroup| {
        let options: Vec<_> = g.options.iter().map(option).collect();
        format!("{} ({}): {}", g.name, g.rule(), options.join(", "))
    };
    groups.iter().map(group).collect::<Vec<_>>().join(" · ")
}

/// The section: each group with its name, "Required", "Up to" and its
/// options (name and price difference), each movable and removable; "Add
/// group" at the end. `id_prefix` keeps the fields' ids unique on the page.
#[component]
pub(crate) fn OptionsEditor(
    drafts: OptionDrafts,
    #[prop(into)] id_prefix: String,
) -> impl IntoView {
    let prefix = StoredValue::new(id_prefix);
    view! {
        <fieldset class="field-options" data-testid="item-options">
            <legend>"Options"</legend>
            <Show when=move || drafts.groups.with(Vec::is_empty)>
                <p class="muted options-none">
                    "None: guests order it as it is. Add a group for a choice such as a size or extras."
                </p>
            </Show>
            <ol class="option-groups">
                <For
                    each=move || drafts.groups.get()
                    key=|group| group.key
                    children=move |group| view! { <GroupEditor drafts group prefix=prefix.get_value() /> }
                />
            </ol>
            <button
                type="button"
                class="button secondary"
                data-testid="add-option-group"
                on:click=move |_| drafts.add_group()
            >
                "Add group"
            </button>
        </fieldset>
    }
}

/// One group of the section.
#[component]
fn GroupEditor(drafts: OptionDrafts, group: GroupDraft, prefix: String) -> impl IntoView {
    let required = move || group.min.get() > 0;
    let called_here = move || group.name.with(|name| called(name, "this group"));
    let option_prefix = StoredValue::new(format!("{prefix}-group-{}", group.key));
    let id = move |what: &str| option_prefix.with_value(|p| format!("{p}-{what}"));

    view! {
        <li class="option-group-editor" data-testid="option-group-editor" data-group-name=group.name>
            <div class="group-fields">
                <TextField
                    id=id("name")
                    label="Group name"
                    testid="group-name"
                    max_len=MENU_NAME_MAX_LEN
                    placeholder="e.g. Size"
                    value=group.name
                />
                <label class="check-field" for=id("required")>
                    <input
                        type="checkbox"
                        id=id("required")
                        data-testid="group-required"
                        prop:checked=required
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            group.min.update(|min| *min = if on { (*min).max(1) } else { 0 });
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
                        prop:value=group.max
                        on:input=move |ev| group.max.set(event_target_value(&ev))
                    />
                </div>
                {row_actions(drafts.groups, group, "group", "remove-option-group", called_here)}
            </div>
            <ul class="option-rows">
                <For
                    each=move || group.options.get()
                    key=|option| option.key
                    children=move |option| view! { <OptionEditor group option prefix=option_prefix.get_value() /> }
                />
            </ul>
            <button
                type="button"
                class="button secondary"
                data-testid="add-option"
                aria-label=move || format!("Add an option to {}", called_here())
                on:click=move |_| drafts.add_option(group)
            >
                "Add option"
            </button>
        </li>
    }
}

/// One option of a group: its name and price difference.
#[component]
fn OptionEditor(group: GroupDraft, option: OptionDraft, prefix: String) -> impl IntoView {
    let called_here = move || option.name.with(|name| called(name, "this option"));

    view! {
        <li class="option-row" data-testid="option-editor" data-option-name=option.name>
            <TextField
                id=format!("{prefix}-option-{}-name", option.key)
                label="Option"
                testid="option-name"
                max_len=MENU_NAME_MAX_LEN
                placeholder="e.g. Half pint"
                value=option.name
            />
            <TextField
                id=format!("{prefix}-option-{}-price", option.key)
                class="field field-price"
                label="Price difference"
                testid="option-price"
                placeholder="e.g. -2.50"
                value=option.delta
            />
            {row_actions(group.options, option, "option", "remove-option", called_here)}
        </li>
    }
}

/// A group's or an option's "↑" and "↓" in `list`, and its "Remove
/// {what}" (test id `testid`); `name` is how the labels name it.
fn row_actions<T: Copy + PartialEq + Send + Sync + 'static>(
    list: RwSignal<Vec<T>>,
    draft: T,
    what: &'static str,
    testid: &'static str,
    name: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="row-actions">
            <MoveButtons
                what
                name
                place=move || list.with(|list| place_of(list, |d| *d == draft))
                on_move=Callback::new(move |up| list.update(|l| shift(l, draft, up)))
            />
            <button
                type="button"
                class="button secondary danger-text"
                data-testid=testid
                aria-label=move || format!("Remove {what} {}", name())
                on:click=move |_| list.update(|l| l.retain(|d| *d != draft))
            >
                {format!("Remove {what}")}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An owner for the drafts' signals, current while it lives.
    fn owner() -> Owner {
        let owner = Owner::new();
        owner.set();
        owner
    }

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
        let _owner = owner();
        let item = lager();
        let drafts = OptionDrafts::new(&item.option_groups);
        let size = drafts.groups.get_untracked()[0].options.get_untracked();
        assert_eq!(size[1].delta.get_untracked(), "-2.50");
        assert_eq!(size[0].delta.get_untracked(), "");
        let sent = checked_options(drafts, item.price_cents, Some(&item)).unwrap();
        let expected: Vec<OptionGroupInput> = item.option_groups.iter().map(Into::into).collect();
        assert_eq!(sent, expected);
    }

    #[test]
    fn new_groups_and_options_have_no_ids_and_keep_the_order_typed() {
        let _owner = owner();
        let drafts = OptionDrafts::new(&[]);
        drafts.add_group();
        let size = drafts.groups.get_untracked()[0];
        size.name.set("Size".to_owned());
        let pint = size.options.get_untracked()[0];
        pint.name.set("Pint".to_owned());
        drafts.add_option(size);
        let half = size.options.get_untracked()[1];
        half.name.set("Half pint".to_owned());
        half.delta.set("-2.50".to_owned());
        size.options.update(|o| shift(o, half, true));
        size.options.update(|o| shift(o, half, true));

        let sent = checked_options(drafts, 550, None).unwrap();
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
        let second = drafts.groups.get_untracked()[1];
        drafts.groups.update(|g| shift(g, second, true));
        assert_eq!(drafts.groups.get_untracked()[0], second);
        drafts.groups.update(|g| g.retain(|g| *g != second));
        size.options.update(|o| o.retain(|o| *o != pint));
        assert_eq!(drafts.groups.get_untracked(), [size]);
        assert_eq!(size.options.get_untracked().len(), 1);
    }

    #[test]
    fn the_form_says_what_to_fix_before_sending() {
        let _owner = owner();
        let item = lager();
        let typed = |change: fn(&[GroupDraft])| {
            let drafts = OptionDrafts::new(&item.option_groups);
            change(&drafts.groups.get_untracked());
            checked_options(drafts, 550, Some(&item))
        };
        let problem = typed(|g| g[1].max.set("two".to_owned())).unwrap_err();
        assert!(problem.contains("“Extras”"), "{problem}");
        let problem = typed(|g| g[0].options.get_untracked()[1].delta.set("less".to_owned()));
        let problem = problem.unwrap_err();
        assert!(problem.contains("“Half pint”"), "{problem}");

        // The server's rules: more choices than options, a price below zero.
        assert!(typed(|g| g[1].max.set("3".to_owned())).is_err());
        let drafts = OptionDrafts::new(&item.option_groups);
        assert!(checked_options(drafts, 200, Some(&item)).is_err());
        // Ids of another item's options are not this one's to keep.
        assert!(checked_options(drafts, 550, None).is_err());
    }

    #[test]
    fn saving_keeps_what_the_bar_switched_meanwhile() {
        let _owner = owner();
        let item = lager();
        let drafts = OptionDrafts::new(&item.option_groups);
        let mut now = lager();
        now.option_groups[0].options[1].available = false;
        now.option_groups[1].options[0].available = true;
        let sent = checked_options(drafts, 550, Some(&now)).unwrap();
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
