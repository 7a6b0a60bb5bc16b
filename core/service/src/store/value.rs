//! The values that cross the storage boundary: parameters with a typed NULL (PostgreSQL needs
//! the type of every parameter, NULL included) and result cells, the same for both backends.

use super::StoreError;

/// A statement parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// A 64-bit integer (`BIGINT`), or NULL.
    Int(Option<i64>),
    /// UTF-8 text (`TEXT`), or NULL.
    Text(Option<String>),
    /// Bytes (`BLOB` / `BYTEA`), or NULL.
    Blob(Option<Vec<u8>>),
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}
impl From<Vec<u8>> for Param {
    fn from(v: Vec<u8>) -> Self {
        Self::Blob(Some(v))
    }
}
impl From<Option<Vec<u8>>> for Param {
    fn from(v: Option<Vec<u8>>) -> Self {
        Self::Blob(v)
    }
}

/// A result cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// One result row, read by column position with typed accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    fn cell(&self, i: usize) -> Result<&Cell, StoreError> {
        self.0.get(i).ok_or(StoreError::Decode { column: i })
    }

    /// A non-NULL integer.
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?.ok_or(StoreError::Decode { column: i })
    }

    /// An integer or NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            _ => Err(StoreError::Decode { column: i }),
        }
    }

    /// Non-NULL text.
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?.ok_or(StoreError::Decode { column: i })
    }

    /// Text or NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Text(v) => Ok(Some(v.clone())),
            _ => Err(StoreError::Decode { column: i }),
        }
    }

    /// Bytes or NULL.
    pub fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Blob(v) => Ok(Some(v.clone())),
            _ => Err(StoreError::Decode { column: i }),
        }
    }
}
