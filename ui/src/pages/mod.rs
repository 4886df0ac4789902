//! The pages every app has.

pub mod activity;
pub mod devices;
pub mod login;
pub mod password;
pub mod signup;
pub mod welcome;

pub use activity::ActivityPage;
pub use devices::DevicesPage;
pub use login::LoginPage;
pub use password::PasswordPage;
pub use signup::SignupPage;
pub use welcome::Welcome;
