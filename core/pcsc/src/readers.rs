//! The readers PC/SC knows: listing them with their card state, choosing one by index or name,
//! and waiting for a card. These calls block; async code runs them in `spawn_blocking`.

use std::ffi::CString;
use std::time::{Duration, Instant};

use pcsc::{Context, ReaderState, Scope, State};

use crate::error::PcscError;

/// One reader and what is on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderInfo {
    /// Position in PC/SC's list (what `--reader N` selects).
    pub index: usize,
    /// The reader's name.
    pub name: String,
    /// Whether a card is present.
    pub card_present: bool,
    /// Whether the card is present but does not answer (mute).
    pub card_mute: bool,
    /// Whether another application holds the card exclusively.
    pub exclusive: bool,
    /// The card's ATR, when a card is present.
    pub atr: Option<Vec<u8>>,
}

/// Connects to the PC/SC service.
pub fn establish() -> Result<Context, PcscError> {
    Context::establish(Scope::User).map_err(|e| PcscError::from_pcsc("establish", e))
}

/// The reader names, in PC/SC's order; empty when no reader is attached.
pub fn reader_names(ctx: &Context) -> Result<Vec<String>, PcscError> {
    match ctx.list_readers_owned() {
        Ok(names) => Ok(names
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(PcscError::from_pcsc("list readers", e)),
    }
}

/// Every reader with its current card state (blocking, returns at once).
pub fn list() -> Result<Vec<ReaderInfo>, PcscError> {
    let ctx = establish()?;
    let names = reader_names(&ctx)?;
    let mut states = names
        .iter()
        .map(|n| {
            CString::new(n.as_str())
                .map(|c| ReaderState::new(c, State::UNAWARE))
                .map_err(|_| PcscError::InvalidReaderName)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !states.is_empty() {
        ctx.get_status_change(Duration::ZERO, &mut states)
            .map_err(|e| PcscError::from_pcsc("status", e))?;
    }
    Ok(names
        .into_iter()
        .zip(states.iter())
        .enumerate()
        .map(|(index, (name, st))| {
            let ev = st.event_state();
            let card_present = ev.contains(State::PRESENT);
            ReaderInfo {
                index,
                name,
                card_present,
                card_mute: ev.contains(State::MUTE),
                exclusive: ev.contains(State::EXCLUSIVE),
                atr: (card_present && !st.atr().is_empty()).then(|| st.atr().to_vec()),
            }
        })
        .collect())
}

/// Picks a reader: a decimal index into `names`, else an exact name, else the one name
/// containing `selector` (case-insensitive).
pub fn select(selector: &str, names: &[String]) -> Result<usize, PcscError> {
    if names.is_empty() {
        return Err(PcscError::NoReaders);
    }
    let not_found = || PcscError::ReaderNotFound {
        selector: selector.to_owned(),
        available: names.len(),
    };
    if let Ok(index) = selector.trim().parse::<usize>() {
        return if index < names.len() {
            Ok(index)
        } else {
            Err(not_found())
        };
    }
    if let Some(i) = names.iter().position(|n| n == selector) {
        return Ok(i);
    }
    let wanted = selector.to_lowercase();
    let matches: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !wanted.is_empty() && n.to_lowercase().contains(&wanted))
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(not_found()),
        many => Err(PcscError::AmbiguousReader {
            selector: selector.to_owned(),
            matches: many.iter().filter_map(|i| names.get(*i).cloned()).collect(),
        }),
    }
}

/// Waits until a responsive card is on `reader` (at most `timeout`) and returns its ATR.
pub fn wait_for_card(ctx: &Context, reader: &str, timeout: Duration) -> Result<Vec<u8>, PcscError> {
    let name = CString::new(reader).map_err(|_| PcscError::InvalidReaderName)?;
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    let deadline = Instant::now() + timeout;
    // The first call (UNAWARE) returns the current state at once.
    let mut wait = Duration::ZERO;
    loop {
        match ctx.get_status_change(wait, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                return Err(PcscError::CardWaitTimeout {
                    reader: reader.to_owned(),
                    waited: timeout,
                });
            }
            Err(pcsc::Error::UnknownReader) => {
                return Err(PcscError::ReaderNotFound {
                    selector: reader.to_owned(),
                    available: reader_names(ctx)?.len(),
                });
            }
            Err(e) => return Err(PcscError::from_pcsc("wait for card", e)),
        }
        let [state] = &mut states;
        let ev = state.event_state();
        if ev.intersects(State::UNKNOWN | State::IGNORE | State::UNAVAILABLE) {
            return Err(PcscError::ReaderNotFound {
                selector: reader.to_owned(),
                available: reader_names(ctx)?.len(),
            });
        }
        if ev.contains(State::PRESENT) && !ev.contains(State::MUTE) {
            return Ok(state.atr().to_vec());
        }
        state.sync_current_state();
        wait = deadline.saturating_duration_since(Instant::now());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec![
            "Virtual PCD 00 00".to_owned(),
            "Virtual PCD 00 01".to_owned(),
            "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 01 00".to_owned(),
        ]
    }

    #[test]
    fn select_by_index_name_and_fragment() {
        let n = names();
        assert_eq!(select("0", &n).unwrap(), 0);
        assert_eq!(select("2", &n).unwrap(), 2);
        assert_eq!(select("Virtual PCD 00 01", &n).unwrap(), 1);
        assert_eq!(select("picc", &n).unwrap(), 2);
        assert_eq!(select("00 01", &n).unwrap(), 1);
    }

    #[test]
    fn select_errors() {
        let n = names();
        assert_eq!(
            select("3", &n),
            Err(PcscError::ReaderNotFound {
                selector: "3".to_owned(),
                available: 3
            })
        );
        assert!(matches!(
            select("omnikey", &n),
            Err(PcscError::ReaderNotFound { .. })
        ));
        assert!(matches!(
            select("", &n),
            Err(PcscError::ReaderNotFound { .. })
        ));
        match select("virtual", &n) {
            Err(PcscError::AmbiguousReader { matches, .. }) => assert_eq!(matches.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(select("0", &[]), Err(PcscError::NoReaders));
    }
}
