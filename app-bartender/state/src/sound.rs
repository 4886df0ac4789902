//! The optional beep for a new order or a table calling: off unless the
//! bartender switches it on, and remembered on this tablet
//! (`localStorage`, `bartender_sound`).

use leptos::prelude::*;

/// Where the choice is kept.
const STORAGE_KEY: &str = "bartender_sound";

/// The sound switch and the audio context that plays the beep.
#[derive(Clone, Copy)]
pub struct Sound {
    /// Whether new orders and calls beep.
    pub on: RwSignal<bool>,
    /// Made on first use: browsers only let a page start audio once the
    /// user has interacted with it. (The server never plays anything.)
    #[cfg(target_arch = "wasm32")]
    context: StoredValue<Option<web_sys::AudioContext>, LocalStorage>,
}

impl Sound {
    /// The switch, off until the stored choice is read after hydration (so
    /// the server's page and the first browser frame agree).
    pub fn new() -> Self {
        let sound = Sound {
            on: RwSignal::new(false),
            #[cfg(target_arch = "wasm32")]
            context: StoredValue::new_local(None),
        };
        Effect::new(move |_| {
            if ui::storage::load(STORAGE_KEY).is_some_and(|v| v == "on") {
                sound.on.set(true);
            }
        });
        sound
    }

    /// Switches the beep on or off, remembers it, and beeps once when
    /// switched on (a tap is when browsers allow audio to start).
    pub fn toggle(&self) {
        let on = !self.on.get_untracked();
        self.on.set(on);
        ui::storage::keep(STORAGE_KEY, Some(if on { "on" } else { "off" }));
        if on {
            self.beep();
        }
    }

    /// Beeps once, if switched on.
    pub fn beep(&self) {
        #[cfg(target_arch = "wasm32")]
        if self.on.get_untracked() {
            if let Err(e) = self.play() {
                leptos::logging::warn!("could not play the new-order sound: {e:?}");
            }
        }
    }

    /// A short two-tone chime, quiet enough for a bar.
    #[cfg(target_arch = "wasm32")]
    fn play(&self) -> Result<(), web_sys::wasm_bindgen::JsValue> {
        let context = (self.context.get_value()).map_or_else(web_sys::AudioContext::new, Ok)?;
        self.context.set_value(Some(context.clone()));
        // A context made before any tap starts suspended; resuming is
        // allowed once the bartender has touched the page. The promise
        // only says when it happened: nothing to wait for.
        if context.state() == web_sys::AudioContextState::Suspended {
            let _resuming = context.resume()?;
        }
        let start = context.current_time();
        for (offset, frequency) in [(0.0, 880.0), (0.16, 1320.0)] {
            let oscillator = context.create_oscillator()?;
            let gain = context.create_gain()?;
            oscillator.frequency().set_value(frequency);
            let at = start + offset;
            let level = gain.gain();
            level.set_value_at_time(0.0001, at)?;
            level.exponential_ramp_to_value_at_time(0.3, at + 0.02)?;
            level.exponential_ramp_to_value_at_time(0.0001, at + 0.15)?;
            oscillator.connect_with_audio_node(&gain)?;
            gain.connect_with_audio_node(&context.destination())?;
            oscillator.start_with_when(at)?;
            oscillator.stop_with_when(at + 0.16)?;
        }
        Ok(())
    }
}
