//! The relying party's launch UX as a small state machine (reference §3.4): try to start the
//! app; after 5 s without pickup show a "start the app" button (RFA18); after about 30 s expect
//! `failed/startFailed` (RFA17A). Collect results move it on. Time is passed in as milliseconds
//! of a monotonic clock.

use crate::messages::{CollectOutcome, Decision, MessageContext, Rfa, decide};
use crate::order::{HintCode, OrderStatus};

/// When to show the start button.
pub const START_BUTTON_AFTER_MS: u64 = 5_000;
/// When the server is expected to report `startFailed`.
pub const START_FAILED_AFTER_MS: u64 = 30_000;

/// Where the launch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LaunchState {
    /// The app was asked to start; waiting for it to pick up the order.
    Launching,
    /// 5 s passed without pickup: offer the button.
    ShowStartButton,
    /// 30 s passed without pickup: `startFailed` is due; keep collecting to receive it.
    StartFailedExpected,
    /// The app picked the order up; the user is acting in the app.
    InApp,
    /// The order completed.
    Completed,
    /// The order failed (see the message).
    Failed,
}

/// What the page should render now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchView {
    /// The state.
    pub state: LaunchState,
    /// Whether to show the start button (labelled [`Rfa::Rfa18`]).
    pub show_start_button: bool,
    /// The message to show, if any.
    pub message: Option<Rfa>,
    /// Milliseconds until the next timed change, if one is pending.
    pub next_change_in_ms: Option<u64>,
}

/// The launch state machine of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchFlow {
    started_at_ms: u64,
    device_is_mobile: bool,
    state: LaunchState,
    message: Option<Rfa>,
}

impl LaunchFlow {
    /// Starts the flow at `now_ms`, right after the page tried to open the launch URL.
    pub fn start(now_ms: u64, device_is_mobile: bool) -> Self {
        Self {
            started_at_ms: now_ms,
            device_is_mobile,
            state: LaunchState::Launching,
            message: Some(Rfa::Rfa13),
        }
    }

    /// The current state.
    pub fn state(&self) -> LaunchState {
        self.state
    }

    /// Advances the timers and returns the view.
    pub fn tick(&mut self, now_ms: u64) -> LaunchView {
        let elapsed = now_ms.saturating_sub(self.started_at_ms);
        if matches!(
            self.state,
            LaunchState::Launching | LaunchState::ShowStartButton
        ) {
            self.state = if elapsed >= START_FAILED_AFTER_MS {
                LaunchState::StartFailedExpected
            } else if elapsed >= START_BUTTON_AFTER_MS {
                LaunchState::ShowStartButton
            } else {
                LaunchState::Launching
            };
        }
        self.view(elapsed)
    }

    /// Feeds a collect result (status and hint code) at `now_ms`.
    pub fn on_collect(
        &mut self,
        status: &OrderStatus,
        hint: Option<&HintCode>,
        now_ms: u64,
    ) -> LaunchView {
        let ctx = MessageContext {
            device_is_mobile: self.device_is_mobile,
            used_qr: false,
            auto_started: true,
            error_repeated: false,
        };
        let decision = decide(CollectOutcome::Status { status, hint }, ctx);
        let waiting = matches!(
            hint,
            None | Some(HintCode::OutstandingTransaction | HintCode::NoClient)
        );
        match status {
            OrderStatus::Complete => {
                self.state = LaunchState::Completed;
                self.message = None;
            }
            OrderStatus::Failed => {
                self.state = LaunchState::Failed;
                self.message = match decision {
                    Decision::Show(rfa) => Some(rfa),
                    _ => Some(Rfa::Rfa22),
                };
            }
            _ if waiting => {
                if self.state == LaunchState::InApp {
                    // The app went away again (e.g. user switched back): treat as waiting.
                    self.state = LaunchState::Launching;
                }
                self.message = Some(Rfa::Rfa13);
            }
            _ => {
                self.state = LaunchState::InApp;
                self.message = match decision {
                    Decision::Show(rfa) => Some(rfa),
                    _ => Some(Rfa::Rfa21),
                };
            }
        }
        self.tick(now_ms)
    }

    fn view(&self, elapsed: u64) -> LaunchView {
        let next_change_in_ms = match self.state {
            LaunchState::Launching => Some(START_BUTTON_AFTER_MS.saturating_sub(elapsed)),
            LaunchState::ShowStartButton => Some(START_FAILED_AFTER_MS.saturating_sub(elapsed)),
            _ => None,
        };
        LaunchView {
            state: self.state,
            show_start_button: matches!(
                self.state,
                LaunchState::ShowStartButton | LaunchState::StartFailedExpected
            ),
            message: self.message,
            next_change_in_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_after_five_seconds_then_start_failed() {
        let mut f = LaunchFlow::start(1_000, true);
        let v = f.tick(1_000);
        assert_eq!(
            (v.state, v.show_start_button, v.message),
            (LaunchState::Launching, false, Some(Rfa::Rfa13))
        );
        assert_eq!(v.next_change_in_ms, Some(5_000));
        assert_eq!(f.tick(5_999).state, LaunchState::Launching);
        let v = f.tick(6_000);
        assert_eq!(
            (v.state, v.show_start_button),
            (LaunchState::ShowStartButton, true)
        );
        assert_eq!(v.next_change_in_ms, Some(25_000));
        let v = f.on_collect(
            &OrderStatus::Pending,
            Some(&HintCode::OutstandingTransaction),
            20_000,
        );
        assert_eq!(v.state, LaunchState::ShowStartButton);
        let v = f.tick(31_000);
        assert_eq!(
            (v.state, v.show_start_button, v.next_change_in_ms),
            (LaunchState::StartFailedExpected, true, None)
        );
        let v = f.on_collect(&OrderStatus::Failed, Some(&HintCode::StartFailed), 32_000);
        assert_eq!(
            (v.state, v.show_start_button, v.message),
            (LaunchState::Failed, false, Some(Rfa::Rfa17A))
        );
    }

    #[test]
    fn pickup_hides_the_button() {
        let mut f = LaunchFlow::start(0, true);
        f.tick(7_000);
        let v = f.on_collect(&OrderStatus::Pending, Some(&HintCode::Started), 8_000);
        assert_eq!(
            (v.state, v.show_start_button, v.message),
            (LaunchState::InApp, false, Some(Rfa::Rfa15B))
        );
        let v = f.on_collect(&OrderStatus::Pending, Some(&HintCode::UserSign), 40_000);
        assert_eq!((v.state, v.message), (LaunchState::InApp, Some(Rfa::Rfa9)));
        let v = f.on_collect(&OrderStatus::Pending, Some(&HintCode::UserMrtd), 41_000);
        assert_eq!(v.message, Some(Rfa::Rfa23));
        let v = f.on_collect(&OrderStatus::Complete, None, 50_000);
        assert_eq!(
            (v.state, v.message, v.show_start_button),
            (LaunchState::Completed, None, false)
        );
    }

    #[test]
    fn desktop_and_failures() {
        let mut f = LaunchFlow::start(0, false);
        assert_eq!(
            f.on_collect(&OrderStatus::Pending, Some(&HintCode::Started), 1_000)
                .message,
            Some(Rfa::Rfa15A)
        );
        assert_eq!(
            f.on_collect(&OrderStatus::Failed, Some(&HintCode::UserCancel), 2_000)
                .message,
            Some(Rfa::Rfa6)
        );
        assert_eq!(f.state(), LaunchState::Failed);
        let mut g = LaunchFlow::start(0, false);
        let unknown = HintCode::from("newHint");
        assert_eq!(
            g.on_collect(&OrderStatus::Pending, Some(&unknown), 1_000)
                .message,
            Some(Rfa::Rfa21)
        );
    }
}
