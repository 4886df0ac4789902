//! The bartender app's state, apart from its pages (`app-bartender`): the
//! queue and the tabs as the tablet knows them, and the rules that change
//! them. An edit to a page then compiles the pages, not this crate (README).

pub mod all_day;
pub mod board;
pub mod queue;
pub mod recall;
mod sound;
pub mod stations;
pub mod tabs;
pub mod timers;
