//! The chip's file system: the master file's EFs and the eMRTD application's EFs by FID.

use std::collections::BTreeMap;

use tapid_mrtd::lds::ElementaryFile;

/// The files a chip serves.
#[derive(Debug, Clone, Default)]
pub struct FileSystem {
    master: BTreeMap<u16, Vec<u8>>,
    application: BTreeMap<u16, Vec<u8>>,
}

impl FileSystem {
    /// Adds or replaces a file.
    pub fn insert(&mut self, ef: ElementaryFile, bytes: Vec<u8>) {
        if ef.in_master_file() {
            self.master.insert(ef.fid(), bytes);
        } else {
            self.application.insert(ef.fid(), bytes);
        }
    }

    /// Adds or replaces a master-file EF by FID, for files the LDS does not name (EF.ATR/INFO).
    pub fn insert_master_fid(&mut self, fid: u16, bytes: Vec<u8>) {
        self.master.insert(fid, bytes);
    }

    /// Removes a file (a chip that lacks it).
    pub fn remove(&mut self, ef: ElementaryFile) -> Option<Vec<u8>> {
        if ef.in_master_file() {
            self.master.remove(&ef.fid())
        } else {
            self.application.remove(&ef.fid())
        }
    }

    /// A file of the master file by FID.
    pub fn master(&self, fid: u16) -> Option<&[u8]> {
        self.master.get(&fid).map(Vec::as_slice)
    }

    /// A file of the eMRTD application by FID.
    pub fn application(&self, fid: u16) -> Option<&[u8]> {
        self.application.get(&fid).map(Vec::as_slice)
    }

    /// A file by its LDS name.
    pub fn get(&self, ef: ElementaryFile) -> Option<&[u8]> {
        if ef.in_master_file() {
            self.master(ef.fid())
        } else {
            self.application(ef.fid())
        }
    }

    /// The master-file EF whose short file identifier is `sfi`.
    pub fn master_by_sfi(&self, sfi: u8) -> Option<u16> {
        self.master
            .keys()
            .copied()
            .find(|fid| (fid & 0x1F) as u8 == sfi)
    }

    /// The application file whose short file identifier is `sfi`.
    pub fn application_by_sfi(&self, sfi: u8) -> Option<u16> {
        self.application
            .keys()
            .copied()
            .find(|fid| (fid & 0x1F) as u8 == sfi)
    }
}
