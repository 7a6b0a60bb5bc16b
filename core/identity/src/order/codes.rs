//! Order status, collect hint codes and API error codes (reference §1.7, §1.9).

use super::open_enum;

open_enum! {
    /// The `status` of a collect response.
    OrderStatus {
        /// Keep collecting every 2 s.
        Pending => "pending",
        /// Final failure; see the hint code.
        Failed => "failed",
        /// Final success; completion data is present.
        Complete => "complete",
    }
}

open_enum! {
    /// The `hintCode` of a pending or failed order.
    HintCode {
        /// Pending: the client has not yet received the order.
        OutstandingTransaction => "outstandingTransaction",
        /// Pending: no client has picked the order up.
        NoClient => "noClient",
        /// Pending: a client started with the autostart token but no usable ID found yet.
        Started => "started",
        /// Pending: the user is scanning their passport or ID card.
        UserMrtd => "userMrtd",
        /// Pending: the user must confirm they are in a call with the relying party.
        UserCallConfirm => "userCallConfirm",
        /// Pending: the client has received the order.
        UserSign => "userSign",
        /// Pending: signed, signature processing is underway.
        Processing => "processing",
        /// Failed: the order expired.
        ExpiredTransaction => "expiredTransaction",
        /// Failed: the user's ID is blocked, revoked or invalid.
        CertificateErr => "certificateErr",
        /// Failed: the user cancelled.
        UserCancel => "userCancel",
        /// Failed: a new order for the user cancelled this one.
        Cancelled => "cancelled",
        /// Failed: no client started within about 30 s.
        StartFailed => "startFailed",
        /// Failed: the user said they are not in a call with the relying party.
        UserDeclinedCall => "userDeclinedCall",
        /// Failed: the app does not support a requested feature and needs an update.
        NotSupportedByUserApp => "notSupportedByUserApp",
        /// Failed: the order's risk was too high.
        TransactionRiskBlocked => "transactionRiskBlocked",
    }
}

open_enum! {
    /// The `errorCode` of an HTTP error response.
    ErrorCode {
        /// An order for this personal number is already in progress.
        AlreadyInProgress => "alreadyInProgress",
        /// Invalid parameter (an internal error of the relying party).
        InvalidParameters => "invalidParameters",
        /// The relying party has no access.
        Unauthorized => "unauthorized",
        /// Wrong URL path.
        NotFound => "notFound",
        /// Only POST is allowed.
        MethodNotAllowed => "methodNotAllowed",
        /// The request took too long to transmit.
        RequestTimeout => "requestTimeout",
        /// A charset parameter on the content type.
        UnsupportedMediaType => "unsupportedMediaType",
        /// Rate limited.
        TooManyRequests => "tooManyRequests",
        /// Internal technical error.
        InternalError => "internalError",
        /// Temporarily out of service.
        Maintenance => "maintenance",
        /// ID-card verification failed (ID-card API only).
        VerificationFailed => "verificationFailed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for wire in HintCode::KNOWN {
            let code = HintCode::from(*wire);
            assert!(code.is_known(), "{wire}");
            assert_eq!(code.as_str(), *wire);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{wire}\""));
        }
        for wire in ErrorCode::KNOWN.iter().chain(OrderStatus::KNOWN) {
            assert_eq!(ErrorCode::from(*wire).as_str(), *wire);
            assert_eq!(OrderStatus::from(*wire).as_str(), *wire);
        }
        assert_eq!(HintCode::from("userMrtd"), HintCode::UserMrtd);
        assert_eq!(
            HintCode::from("userMRTD"),
            HintCode::Unknown("userMRTD".into())
        );
    }

    #[test]
    fn unknown_codes_are_tolerated() {
        let h: HintCode = serde_json::from_str("\"brandNewHint\"").unwrap();
        assert_eq!(h, HintCode::Unknown("brandNewHint".into()));
        assert!(!h.is_known());
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"brandNewHint\"");
        let s: OrderStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(s.to_string(), "paused");
    }
}
