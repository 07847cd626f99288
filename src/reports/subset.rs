//! Per-document subsetting of the embedded CID-keyed CFF font (Noto Sans JP).
//!
//! printpdf 0.12 only subsets fonts with its `text_layout` feature, which pulls in a layout
//! engine we do not want; without it the whole 4 MB font program lands in every PDF. This module
//! does the minimum instead, the way a PDF subsetter for CID-keyed fonts does it: the glyphs
//! are renumbered but keep their CIDs, so that printpdf's Identity-H codes (the original glyph
//! ids, equal to the CIDs in Noto Sans JP's Adobe-Identity ordering) stay valid:
//!
//! - charset, FDSelect and CharStrings are rebuilt for the used glyphs (and .notdef) only;
//! - global and local subroutines not reached from a used glyph become empty INDEX entries
//!   (the count stays, so the subroutine bias and every call number stay valid);
//! - the offsets that move (charset, FDSelect, CharStrings and FDArray in the Top DICT, each
//!   Private DICT in the FDArray) are patched in place; the font is rejected at start-up
//!   unless they are 3- or 5-byte integers and the tables lie in the usual order, so no DICT
//!   changes length.
//!
//! Pure: bytes in, bytes out.

use std::collections::BTreeSet;
use std::ops::Range;

/// The parsed layout of the CFF table that subsetting needs, computed once.
#[derive(Debug, Clone)]
pub(crate) struct CffLayout {
    /// The CFF table's position in the sfnt.
    table: Range<usize>,
    /// Where the FDArray starts (after charset, FDSelect and CharStrings), relative to the
    /// CFF table.
    fdarray_at: usize,
    /// Each glyph's charstring, relative to the CFF table.
    charstrings: Vec<Range<usize>>,
    /// CID per glyph id.
    cids: Vec<u16>,
    global_subrs: Vec<Range<usize>>,
    /// Local subrs per font dict.
    local_subrs: Vec<Vec<Range<usize>>>,
    /// Font dict index per glyph.
    fd_select: Vec<u8>,
    /// Where the Global Subrs INDEX starts (it ends at `charset_at`).
    global_subrs_at: usize,
    /// Where the FDArray INDEX ends.
    fdarray_end: usize,
    /// Top DICT operand positions (3- or 5-byte integers) of charset, FDSelect, CharStrings
    /// and FDArray.
    top_operands: [usize; 4],
    /// Per font dict: its Private DICT.
    privates: Vec<Private>,
    /// The small tables copied into the subset sfnt beside the new CFF (tag, range).
    other_tables: Vec<([u8; 4], Range<usize>)>,
}

/// A Private DICT: where it is, its length, where its local Subrs INDEX starts relative to
/// it (after the DICT), and the position of the FDArray operand that points at it.
#[derive(Debug, Clone)]
struct Private {
    at: usize,
    size: usize,
    subrs_rel: Option<usize>,
    operand_pos: usize,
}

/// Tables kept beside `CFF ` so that the subset is still a well-formed OpenType font; the
/// large ones (cmap, hmtx, vmtx, GSUB, GPOS) are dropped: only the CFF reaches the PDF, and
/// the code-point map and advances are passed to printpdf separately.
const KEPT_TABLES: [&[u8; 4]; 5] = [b"head", b"hhea", b"maxp", b"OS/2", b"post"];

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn be_n(b: &[u8], at: usize, n: usize) -> Option<usize> {
    let bytes = b.get(at..at + n)?;
    Some(
        bytes
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x)),
    )
}

fn be32(b: &[u8], at: usize) -> Option<usize> {
    be_n(b, at, 4)
}

/// Parses a CFF INDEX at `at`: the element ranges and the end of the INDEX.
fn index(c: &[u8], at: usize) -> Option<(Vec<Range<usize>>, usize)> {
    let count = be16(c, at)?;
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let off_size = usize::from(*c.get(at + 2)?);
    let offsets_at = at + 3;
    let base = offsets_at + (count + 1) * off_size - 1;
    let mut ranges = Vec::with_capacity(count);
    let mut prev = be_n(c, offsets_at, off_size)?;
    for i in 1..=count {
        let next = be_n(c, offsets_at + i * off_size, off_size)?;
        ranges.push(base + prev..base + next);
        prev = next;
    }
    let end = base + prev;
    (end <= c.len()).then_some((ranges, end))
}

/// One DICT operator with its operands and where each operand starts.
struct DictEntry {
    op: u16,
    operands: Vec<(i64, usize, u8)>, // (value, position, first byte)
}

fn dict(c: &[u8], range: Range<usize>) -> Option<Vec<DictEntry>> {
    let mut out = Vec::new();
    let mut operands = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let b0 = *c.get(i)?;
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    i += 1;
                    1200 + u16::from(*c.get(i)?)
                } else {
                    u16::from(b0)
                };
                i += 1;
                out.push(DictEntry {
                    op,
                    operands: std::mem::take(&mut operands),
                });
            }
            28 => {
                let v = i16::from_be_bytes([*c.get(i + 1)?, *c.get(i + 2)?]);
                operands.push((i64::from(v), i, b0));
                i += 3;
            }
            29 => {
                let v = i32::from_be_bytes([
                    *c.get(i + 1)?,
                    *c.get(i + 2)?,
                    *c.get(i + 3)?,
                    *c.get(i + 4)?,
                ]);
                operands.push((i64::from(v), i, b0));
                i += 5;
            }
            30 => {
                let start = i;
                i += 1;
                loop {
                    let x = *c.get(i)?;
                    i += 1;
                    if x & 0x0f == 0x0f || x >> 4 == 0x0f {
                        break;
                    }
                }
                operands.push((0, start, b0));
            }
            32..=246 => {
                operands.push((i64::from(b0) - 139, i, b0));
                i += 1;
            }
            247..=250 => {
                let v = (i64::from(b0) - 247) * 256 + i64::from(*c.get(i + 1)?) + 108;
                operands.push((v, i, b0));
                i += 2;
            }
            251..=254 => {
                let v = -(i64::from(b0) - 251) * 256 - i64::from(*c.get(i + 1)?) - 108;
                operands.push((v, i, b0));
                i += 2;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn operand(entries: &[DictEntry], op: u16, n: usize) -> Option<(usize, usize, u8)> {
    let e = entries.iter().find(|e| e.op == op)?;
    let &(v, pos, b0) = e.operands.get(n)?;
    Some((usize::try_from(v).ok()?, pos, b0))
}

impl CffLayout {
    /// Reads the layout of the CID-keyed CFF in an OpenType font; None if the font is not one
    /// this subsetter can handle.
    pub(crate) fn parse(sfnt: &[u8]) -> Option<Self> {
        let num_tables = be16(sfnt, 4)?;
        let other_tables = (0..num_tables)
            .filter_map(|i| {
                let rec = 12 + 16 * i;
                let tag: [u8; 4] = sfnt.get(rec..rec + 4)?.try_into().ok()?;
                KEPT_TABLES.contains(&&tag).then_some(())?;
                let off = be32(sfnt, rec + 8)?;
                let len = be32(sfnt, rec + 12)?;
                (off + len <= sfnt.len()).then_some((tag, off..off + len))
            })
            .collect();
        let (_, table) = (0..num_tables).find_map(|i| {
            let rec = 12 + 16 * i;
            (sfnt.get(rec..rec + 4)? == b"CFF ").then_some(())?;
            let off = be32(sfnt, rec + 8)?;
            let len = be32(sfnt, rec + 12)?;
            Some((rec, off..off + len))
        })?;
        let c = sfnt.get(table.clone())?;
        let header_size = usize::from(*c.get(2)?);
        let (_names, p) = index(c, header_size)?;
        let (tops, p) = index(c, p)?;
        let (_strings, p) = index(c, p)?;
        let global_subrs_at = p;
        let (global_subrs, global_subrs_end) = index(c, p)?;
        let top = dict(c, tops.first()?.clone())?;
        // ROS (12 30) marks a CID-keyed font; only those have FDArray/FDSelect.
        top.iter().find(|e| e.op == 1230)?;
        let (charset_at, charset_pos, charset_b0) = operand(&top, 15, 0)?;
        if charset_at != global_subrs_end || !matches!(charset_b0, 28 | 29) {
            return None;
        }
        let (fdselect_at, fdselect_pos, fdselect_b0) = operand(&top, 1237, 0)?;
        let (cs_at, cs_pos, cs_b0) = operand(&top, 17, 0)?;
        let (fdarray_at, fdarray_pos, fdarray_b0) = operand(&top, 1236, 0)?;
        let in_order = charset_at < fdselect_at && fdselect_at < cs_at && cs_at < fdarray_at;
        let five_bytes = [fdselect_b0, cs_b0, fdarray_b0].iter().all(|&b| b == 29);
        if !in_order || !five_bytes {
            return None;
        }
        let (charstrings, cs_end) = index(c, cs_at)?;
        if cs_end > fdarray_at {
            return None;
        }
        let (fds, fdarray_end) = index(c, fdarray_at)?;
        let mut local_subrs = Vec::with_capacity(fds.len());
        let mut privates = Vec::with_capacity(fds.len());
        for fd in fds {
            let entries = dict(c, fd)?;
            let (size, _, _) = operand(&entries, 18, 0)?;
            let (private_at, private_pos, private_b0) = operand(&entries, 18, 1)?;
            if private_at < fdarray_at || private_b0 != 29 {
                return None;
            }
            let private = dict(c, private_at..private_at + size)?;
            let subrs_rel = operand(&private, 19, 0).map(|(rel, _, _)| rel);
            let subrs = match subrs_rel {
                Some(rel) if rel >= size => index(c, private_at + rel)?.0,
                Some(_) => return None,
                None => Vec::new(),
            };
            local_subrs.push(subrs);
            privates.push(Private {
                at: private_at,
                size,
                subrs_rel,
                operand_pos: private_pos,
            });
        }
        let fd_select = fd_select(c, fdselect_at, charstrings.len())?;
        let cids = charset(c, charset_at, charstrings.len())?;
        Some(CffLayout {
            table,
            fdarray_at,
            charstrings,
            cids,
            global_subrs,
            local_subrs,
            fd_select,
            global_subrs_at,
            fdarray_end,
            top_operands: [charset_pos, fdselect_pos, cs_pos, fdarray_pos],
            privates,
            other_tables,
        })
    }

    /// The sfnt with a CFF table holding only the outlines of `glyphs` (and .notdef), and the
    /// original glyph id of each new glyph id. The other tables are left as they were: only
    /// the CFF table reaches the PDF.
    pub(crate) fn subset(
        &self,
        sfnt: &[u8],
        glyphs: &BTreeSet<u16>,
    ) -> Option<(Vec<u8>, Vec<u16>)> {
        let c = sfnt.get(self.table.clone())?;
        let mut used: Vec<bool> = vec![false; self.charstrings.len()];
        let mut used_global = vec![false; self.global_subrs.len()];
        let mut used_local: Vec<Vec<bool>> = self
            .local_subrs
            .iter()
            .map(|s| vec![false; s.len()])
            .collect();
        for gid in std::iter::once(0).chain(glyphs.iter().copied()) {
            let gid = usize::from(gid);
            let (Some(range), Some(&fd)) = (self.charstrings.get(gid), self.fd_select.get(gid))
            else {
                continue;
            };
            used[gid] = true;
            let fd = usize::from(fd);
            let mut walker = Walker {
                c,
                global: &self.global_subrs,
                local: self.local_subrs.get(fd).map_or(&[][..], Vec::as_slice),
                used_global: &mut used_global,
                used_local: used_local.get_mut(fd)?,
                stack: 0,
                stems: 0,
                depth: 0,
            };
            walker.run(range.clone());
        }

        let kept: Vec<usize> = used
            .iter()
            .enumerate()
            .filter(|(_, u)| **u)
            .map(|(g, _)| g)
            .collect();

        // charset (format 0: the CID of every kept glyph but .notdef), FDSelect (format 0),
        // CharStrings INDEX (offset size 4).
        // Up to the Global Subrs as they were, then the Global Subrs with unused entries
        // emptied (same count, so the bias and every subroutine number stay the same).
        let mut cff = Vec::with_capacity(64 * 1024);
        cff.extend_from_slice(c.get(..self.global_subrs_at)?);
        let n = kept_count(&used_global);
        push_index(&mut cff, c, self.global_subrs.get(..n)?, &used_global)?;
        // charset (format 0: the CID of every kept glyph but .notdef), FDSelect (format 0),
        // CharStrings.
        let charset_at = cff.len();
        cff.push(0);
        for &g in kept.iter().skip(1) {
            cff.extend_from_slice(&self.cids.get(g)?.to_be_bytes());
        }
        let fdselect_at = cff.len();
        cff.push(0);
        for &g in &kept {
            cff.push(*self.fd_select.get(g)?);
        }
        let cs_at = cff.len();
        let kept_ranges: Vec<Range<usize>> = kept
            .iter()
            .map(|&g| self.charstrings.get(g).cloned())
            .collect::<Option<_>>()?;
        push_index(&mut cff, c, &kept_ranges, &vec![true; kept.len()])?;
        // FDArray as it was, then each Private DICT followed by its emptied local Subrs.
        let fdarray_at = cff.len();
        cff.extend_from_slice(c.get(self.fdarray_at..self.fdarray_end)?);
        for (private, (subrs, flags)) in self
            .privates
            .iter()
            .zip(self.local_subrs.iter().zip(&used_local))
        {
            let new_at = cff.len();
            let operand_at = private.operand_pos - self.fdarray_at + fdarray_at;
            put(&mut cff, operand_at, new_at)?;
            match private.subrs_rel {
                Some(rel) => {
                    cff.extend_from_slice(c.get(private.at..private.at + rel)?);
                    push_index(&mut cff, c, subrs.get(..kept_count(flags))?, flags)?;
                }
                None => cff.extend_from_slice(c.get(private.at..private.at + private.size)?),
            }
        }
        let [charset_pos, fdselect_pos, cs_pos, fdarray_pos] = self.top_operands;
        put(&mut cff, charset_pos, charset_at)?;
        put(&mut cff, fdselect_pos, fdselect_at)?;
        put(&mut cff, cs_pos, cs_at)?;
        put(&mut cff, fdarray_pos, fdarray_at)?;

        // A minimal sfnt: the new CFF and the small tables, tags in ascending order as the
        // format requires. (Checksums are left zero: neither printpdf nor PDF readers check
        // them, and only the CFF is embedded.)
        let mut tables: Vec<([u8; 4], &[u8])> = vec![(*b"CFF ", &cff)];
        for (tag, range) in &self.other_tables {
            tables.push((*tag, sfnt.get(range.clone())?));
        }
        tables.sort_by_key(|(tag, _)| *tag);
        let n = tables.len();
        let size = 12 + 16 * n + tables.iter().map(|t| t.1.len() + 3).sum::<usize>();
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(b"OTTO");
        let n16 = u16::try_from(n).ok()?;
        let entry_selector = u16::try_from(n.ilog2()).ok()?;
        let search_range = (1u16 << entry_selector) * 16;
        for v in [n16, search_range, entry_selector, n16 * 16 - search_range] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        let mut offset = 12 + 16 * n;
        for (tag, data) in &tables {
            out.extend_from_slice(tag);
            out.extend_from_slice(&0u32.to_be_bytes());
            out.extend_from_slice(&u32::try_from(offset).ok()?.to_be_bytes());
            out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
            offset += data.len().next_multiple_of(4);
        }
        for (_, data) in &tables {
            out.extend_from_slice(data);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        let kept = kept
            .into_iter()
            .map(u16::try_from)
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        Some((out, kept))
    }
}

/// How many subroutines to keep: up to the last one used, but never so few that the count
/// falls into a lower bias bracket (the bias turns call operands into indices).
fn kept_count(used: &[bool]) -> usize {
    let last = used.iter().rposition(|&u| u).map_or(0, |i| i + 1);
    let floor = match used.len() {
        n if n < 1240 => 0,
        n if n < 33900 => 1240,
        _ => 33900,
    };
    last.max(floor).min(used.len())
}

/// Appends an INDEX of the `items` of `c` whose flag is set; the others become a bare `return`
/// (poppler rejects a font whose subroutine is empty).
fn push_index(out: &mut Vec<u8>, c: &[u8], items: &[Range<usize>], keep: &[bool]) -> Option<()> {
    out.extend_from_slice(&u16::try_from(items.len()).ok()?.to_be_bytes());
    if items.is_empty() {
        return Some(());
    }
    let len = |(r, &k): (&Range<usize>, &bool)| if k { r.len() } else { 1 };
    let last = 1 + items.iter().zip(keep).map(len).sum::<usize>();
    // The smallest offset size that holds the last offset: fewer bytes to compress.
    let off_size = match last {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    out.push(u8::try_from(off_size).ok()?);
    let mut offset = 1usize;
    out.extend_from_slice(offset.to_be_bytes().get(8 - off_size..)?);
    for item in items.iter().zip(keep) {
        offset += len(item);
        out.extend_from_slice(offset.to_be_bytes().get(8 - off_size..)?);
    }
    for (r, &k) in items.iter().zip(keep) {
        if k {
            out.extend_from_slice(c.get(r.clone())?);
        } else {
            out.push(11); // return
        }
    }
    Some(())
}

/// Overwrites the integer operand starting at `at` (encoded with 28, 16-bit, or 29, 32-bit)
/// with `value`, keeping its length; None if it does not fit.
fn put(cff: &mut [u8], at: usize, value: usize) -> Option<()> {
    match *cff.get(at)? {
        28 => {
            let v = i16::try_from(value).ok()?;
            cff.get_mut(at + 1..at + 3)?
                .copy_from_slice(&v.to_be_bytes());
        }
        29 => {
            let v = i32::try_from(value).ok()?;
            cff.get_mut(at + 1..at + 5)?
                .copy_from_slice(&v.to_be_bytes());
        }
        _ => return None,
    }
    Some(())
}

/// CID per glyph id from a charset of format 0, 1 or 2.
fn charset(c: &[u8], at: usize, glyphs: usize) -> Option<Vec<u16>> {
    let mut cids = Vec::with_capacity(glyphs);
    cids.push(0);
    let format = *c.get(at)?;
    let mut p = at + 1;
    while cids.len() < glyphs {
        match format {
            0 => {
                cids.push(u16::try_from(be16(c, p)?).ok()?);
                p += 2;
            }
            1 | 2 => {
                let first = be16(c, p)?;
                let left = if format == 1 {
                    usize::from(*c.get(p + 2)?)
                } else {
                    be16(c, p + 2)?
                };
                p += if format == 1 { 3 } else { 4 };
                for k in 0..=left {
                    cids.push(u16::try_from(first + k).ok()?);
                }
            }
            _ => return None,
        }
    }
    cids.truncate(glyphs);
    Some(cids)
}

fn fd_select(c: &[u8], at: usize, glyphs: usize) -> Option<Vec<u8>> {
    match *c.get(at)? {
        0 => Some(c.get(at + 1..at + 1 + glyphs)?.to_vec()),
        3 => {
            let ranges = be16(c, at + 1)?;
            let mut out = vec![0u8; glyphs];
            for i in 0..ranges {
                let rec = at + 3 + 3 * i;
                let first = be16(c, rec)?;
                let fd = *c.get(rec + 2)?;
                let next = be16(c, rec + 3)?;
                out.get_mut(first..next.min(glyphs))?.fill(fd);
            }
            Some(out)
        }
        _ => None,
    }
}

fn bias(count: usize) -> i64 {
    if count < 1240 {
        107
    } else if count < 33900 {
        1131
    } else {
        32768
    }
}

/// Walks Type 2 charstrings just far enough to find the subroutines they call: operands are
/// tracked as values only where a call needs them, and stems are counted because `hintmask`
/// is followed by one bit per stem.
struct Walker<'a> {
    c: &'a [u8],
    global: &'a [Range<usize>],
    local: &'a [Range<usize>],
    used_global: &'a mut [bool],
    used_local: &'a mut [bool],
    stack: usize,
    stems: usize,
    depth: u8,
}

impl Walker<'_> {
    /// Returns false at `endchar` (the glyph is done).
    fn run(&mut self, range: Range<usize>) -> bool {
        // Subroutine calls nest at most 10 deep (Type 2 spec); guard against malformed input.
        if self.depth > 10 {
            return false;
        }
        let mut last: Option<i64> = None;
        let mut i = range.start;
        while i < range.end {
            let Some(&b0) = self.c.get(i) else {
                return false;
            };
            match b0 {
                1 | 3 | 18 | 23 => {
                    self.stems += self.stack / 2;
                    self.stack = 0;
                    i += 1;
                }
                19 | 20 => {
                    self.stems += self.stack / 2;
                    self.stack = 0;
                    i += 1 + self.stems.div_ceil(8);
                }
                10 | 29 => {
                    let Some(n) = last else { return false };
                    self.stack = self.stack.saturating_sub(1);
                    let (subrs, used) = if b0 == 10 {
                        (self.local, &mut *self.used_local)
                    } else {
                        (self.global, &mut *self.used_global)
                    };
                    let idx = n + bias(subrs.len());
                    let Some(idx) = usize::try_from(idx).ok().filter(|&k| k < subrs.len()) else {
                        return false;
                    };
                    used[idx] = true;
                    self.depth += 1;
                    let go_on = self.run(subrs[idx].clone());
                    self.depth -= 1;
                    if !go_on {
                        return false;
                    }
                    i += 1;
                    last = None;
                    continue;
                }
                11 => return true,
                14 => return false,
                12 => {
                    self.stack = 0;
                    i += 2;
                }
                28 => {
                    let v = self
                        .c
                        .get(i + 1..i + 3)
                        .map(|b| i64::from(i16::from_be_bytes([b[0], b[1]])));
                    self.stack += 1;
                    last = v;
                    i += 3;
                    continue;
                }
                32..=246 => {
                    self.stack += 1;
                    last = Some(i64::from(b0) - 139);
                    i += 1;
                    continue;
                }
                247..=250 => {
                    let b1 = self.c.get(i + 1).copied().unwrap_or(0);
                    self.stack += 1;
                    last = Some((i64::from(b0) - 247) * 256 + i64::from(b1) + 108);
                    i += 2;
                    continue;
                }
                251..=254 => {
                    let b1 = self.c.get(i + 1).copied().unwrap_or(0);
                    self.stack += 1;
                    last = Some(-(i64::from(b0) - 251) * 256 - i64::from(b1) - 108);
                    i += 2;
                    continue;
                }
                255 => {
                    // 16.16 fixed; never a subroutine number.
                    self.stack += 1;
                    last = None;
                    i += 5;
                    continue;
                }
                _ => {
                    self.stack = 0;
                    i += 1;
                }
            }
            last = None;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansJP-Regular.otf");

    #[test]
    fn kept_count_stops_after_the_last_used_subroutine_but_keeps_the_bias_bracket() {
        let mut small = vec![false; 500];
        small[10] = true;
        assert_eq!(kept_count(&small), 11);
        let mut large = vec![false; 2000];
        large[10] = true;
        assert_eq!(kept_count(&large), 1240);
        large[1500] = true;
        assert_eq!(kept_count(&large), 1501);
    }

    #[test]
    fn subset_of_the_shipped_font_is_a_small_opentype_font_keeping_cids() {
        let layout = CffLayout::parse(FONT).unwrap();
        // Two arbitrary glyphs: they must come back renumbered 1 and 2 with their CIDs.
        let glyphs: BTreeSet<u16> = [1000, 12000].into_iter().collect();
        let (sfnt, kept) = layout.subset(FONT, &glyphs).unwrap();
        assert!(sfnt.starts_with(b"OTTO"));
        assert_eq!(kept, vec![0, 1000, 12000]);
        assert!(sfnt.len() < FONT.len() / 10, "{} bytes", sfnt.len());
        // The subset parses again, with .notdef plus the two glyphs.
        let again = CffLayout::parse(&sfnt).unwrap();
        assert_eq!(again.charstrings.len(), 3);
        assert_eq!(again.cids[1..], [layout.cids[1000], layout.cids[12000]]);
    }
}
