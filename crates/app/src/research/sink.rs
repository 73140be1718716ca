//! Where an export's rows go: CSV written row by row, or Parquet gathered by column and
//! written a row group at a time. Rows come encoded (`row`) and are read in place.
use std::io::Write;
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::row::{Cell, cell_at, digits};
use super::{Column, Format, Kind, internal};
use crate::{AppError, AppResult};

/// One Parquet column of the row group being gathered, with definition levels for the
/// optional ones.
pub(super) enum ColumnBuf {
    Bytes(Vec<ByteArray>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Bool(Vec<bool>),
}

/// Where rows go, on the sink's own thread: CSV is written row by row; Parquet is gathered
/// by column (text cells are slices of the batch they came in, not copies) and written a
/// row group at a time.
enum Inner<W: Write + Send> {
    /// The writer, and how many cells a row has.
    Csv(csv::Writer<W>, usize),
    Parquet(
        SerializedFileWriter<W>,
        Vec<ColumnBuf>,
        usize,
        &'static [Column],
    ),
}

/// Rows per Parquet row group.
const ROW_GROUP: usize = 100_000;

/// Rows handed to the sink's thread at a time, and batches that may wait for it.
pub(super) const BATCH_ROWS: usize = 4_096;
const WAITING: usize = 2;
/// Bytes the sink's thread writes at a time.
const CHUNK: usize = 256 * 1024;

/// Where an export's rows go. Formatting (CSV) or gathering and encoding (Parquet) runs
/// on a thread of its own while the export reads and orders the next rows (issue 14):
/// rows go to it in batches, at most `WAITING` batches ahead, and the bytes it writes come
/// back in chunks, which are written to `out` here (so `out` need not be sent anywhere).
pub(super) struct Sink<W: Write + Send> {
    out: W,
    /// The encoded rows of the batch being filled, and how many.
    batch: Vec<u8>,
    in_batch: usize,
    rows: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    bytes: std::sync::mpsc::Receiver<Vec<u8>>,
    thread: Option<std::thread::JoinHandle<AppResult<()>>>,
}

/// The sink thread's writer: bytes gathered and sent a chunk at a time.
struct Chunks {
    buf: Vec<u8>,
    to: std::sync::mpsc::Sender<Vec<u8>>,
}

impl Write for Chunks {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
            self.to
                .send(chunk)
                .map_err(|_| std::io::Error::other("the export was abandoned"))?;
        }
        Ok(())
    }
}

impl<W: Write + Send> Sink<W> {
    pub(super) fn new(format: Format, out: W, columns: &'static [Column]) -> AppResult<Self> {
        let (rows, batches) = std::sync::mpsc::sync_channel::<Vec<u8>>(WAITING);
        let (to, bytes) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("export-sink".into())
            .spawn(move || -> AppResult<()> {
                let mut chunks = Chunks {
                    buf: Vec::with_capacity(CHUNK),
                    to,
                };
                let mut inner = Inner::new(format, &mut chunks, columns)?;
                for batch in batches {
                    inner.push(batch)?;
                }
                inner.finish()?;
                chunks.flush().map_err(internal("export"))
            })
            .map_err(internal("export thread"))?;
        Ok(Sink {
            out,
            batch: Vec::new(),
            in_batch: 0,
            rows: Some(rows),
            bytes,
            thread: Some(thread),
        })
    }

    /// Takes one encoded row of the sink's columns; a full batch goes to the sink's thread.
    pub(super) fn push(&mut self, row: &[u8]) -> AppResult<()> {
        self.batch.extend_from_slice(row);
        self.in_batch += 1;
        if self.in_batch >= BATCH_ROWS {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> AppResult<()> {
        let room = self.batch.len();
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(room));
        self.in_batch = 0;
        let sent = self.rows.as_ref().map(|r| r.send(batch).is_ok());
        if sent != Some(true) {
            // The thread stopped: its error says why.
            return self
                .join()
                .and(Err(AppError::Internal("export: the writer stopped".into())));
        }
        self.write_ready()
    }

    /// Writes the bytes the thread has made so far.
    fn write_ready(&mut self) -> AppResult<()> {
        while let Ok(chunk) = self.bytes.try_recv() {
            self.out.write_all(&chunk).map_err(internal("export"))?;
        }
        Ok(())
    }

    fn join(&mut self) -> AppResult<()> {
        self.rows = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(AppError::Internal("export: the writer failed".into())),
            None => Ok(()),
        }
    }

    pub(super) fn finish(mut self) -> AppResult<()> {
        if !self.batch.is_empty() {
            self.send()?;
        }
        // Closing the channel ends the thread's loop; its last bytes come before it ends.
        self.rows = None;
        for chunk in self.bytes.iter() {
            self.out.write_all(&chunk).map_err(internal("export"))?;
        }
        self.join()?;
        self.out.flush().map_err(internal("export"))
    }
}

impl<W: Write + Send> Inner<W> {
    fn new(format: Format, out: W, columns: &'static [Column]) -> AppResult<Self> {
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(columns.iter().map(|c| c.name))
                    .map_err(internal("csv"))?;
                Ok(Inner::Csv(w, columns.len()))
            }
            Format::Parquet => {
                let fields: Vec<String> = columns
                    .iter()
                    .map(|c| match c.kind {
                        Kind::Text => format!("REQUIRED BYTE_ARRAY {} (UTF8);", c.name),
                        Kind::OptText => format!("OPTIONAL BYTE_ARRAY {} (UTF8);", c.name),
                        Kind::Int => format!("REQUIRED INT64 {};", c.name),
                        Kind::OptInt => format!("OPTIONAL INT64 {};", c.name),
                        Kind::Bool => format!("REQUIRED BOOLEAN {};", c.name),
                    })
                    .collect();
                let schema = parse_message_type(&format!(
                    "message research_export {{ {} }}",
                    fields.join(" ")
                ))
                .map_err(internal("parquet schema"))?;
                let props = Arc::new(
                    WriterProperties::builder()
                        // Readers of a research file need neither page statistics nor
                        // dictionaries (plain pages write faster; the keys are unique anyway).
                        .set_statistics_enabled(EnabledStatistics::None)
                        .set_dictionary_enabled(false)
                        .build(),
                );
                let w = SerializedFileWriter::new(out, Arc::new(schema), props)
                    .map_err(internal("parquet"))?;
                let bufs = columns
                    .iter()
                    .map(|c| match c.kind {
                        Kind::Text | Kind::OptText => ColumnBuf::Bytes(Vec::new(), Vec::new()),
                        Kind::Int | Kind::OptInt => ColumnBuf::Int(Vec::new(), Vec::new()),
                        Kind::Bool => ColumnBuf::Bool(Vec::new()),
                    })
                    .collect();
                Ok(Inner::Parquet(w, bufs, 0, columns))
            }
        }
    }

    /// Writes a batch of encoded rows (CSV), or gathers them (Parquet: written when a row
    /// group is full). A batch holds whole rows of the sink's columns.
    fn push(&mut self, batch: Vec<u8>) -> AppResult<()> {
        match self {
            Inner::Csv(w, width) => {
                let err = internal("csv");
                let mut number = [0u8; 20];
                let mut at = 0;
                while at < batch.len() {
                    for _ in 0..*width {
                        let (c, next) = cell_at(&batch, at)?;
                        let field: &[u8] = match c {
                            Cell::Int(n) => digits(n, &mut number),
                            Cell::Bool(true) => b"true",
                            Cell::Bool(false) => b"false",
                            Cell::Text(start, len) => &batch[start..start + len],
                            Cell::Empty => b"",
                        };
                        w.write_field(field).map_err(&err)?;
                        at = next;
                    }
                    w.write_record(None::<&[u8]>).map_err(&err)?;
                }
                Ok(())
            }
            Inner::Parquet(w, bufs, rows, columns) => {
                // Text cells are slices of the batch: it stays while its row group is
                // gathered.
                let whole = ByteArray::from(batch);
                let buf = whole.data();
                let mut at = 0;
                while at < buf.len() {
                    for column in bufs.iter_mut() {
                        let (c, next) = cell_at(buf, at)?;
                        at = next;
                        match (column, c) {
                            (ColumnBuf::Bytes(values, defs), c) => {
                                let b = match c {
                                    Cell::Text(start, len) => Some(whole.slice(start, len)),
                                    _ => None,
                                };
                                defs.push(i16::from(b.is_some()));
                                values.extend(b);
                            }
                            (ColumnBuf::Int(values, defs), c) => {
                                let n = match c {
                                    Cell::Int(n) => Some(n),
                                    _ => None,
                                };
                                defs.push(i16::from(n.is_some()));
                                values.extend(n);
                            }
                            (ColumnBuf::Bool(values), c) => {
                                values.push(matches!(c, Cell::Bool(true)));
                            }
                        }
                    }
                    *rows += 1;
                    if *rows >= ROW_GROUP {
                        write_row_group(w, bufs, columns)?;
                        *rows = 0;
                    }
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> AppResult<()> {
        match self {
            Inner::Csv(mut w, _) => w.flush().map_err(internal("csv")),
            Inner::Parquet(mut w, mut bufs, rows, columns) => {
                if rows > 0 {
                    write_row_group(&mut w, &mut bufs, columns)?;
                }
                w.close().map(|_| ()).map_err(internal("parquet"))
            }
        }
    }
}

/// Writes the gathered columns as one row group, in schema order, and empties them.
fn write_row_group<W: Write + Send>(
    w: &mut SerializedFileWriter<W>,
    bufs: &mut [ColumnBuf],
    columns: &[Column],
) -> AppResult<()> {
    let err = internal("parquet");
    let mut group = w.next_row_group().map_err(&err)?;
    let mut i = 0;
    while let Some(mut column) = group.next_column().map_err(&err)? {
        let optional = matches!(columns[i].kind, Kind::OptText | Kind::OptInt);
        match &mut bufs[i] {
            ColumnBuf::Bytes(values, defs) => {
                column
                    .typed::<ByteArrayType>()
                    .write_batch(values, optional.then_some(defs.as_slice()), None)
                    .map_err(&err)?;
                values.clear();
                defs.clear();
            }
            ColumnBuf::Int(values, defs) => {
                column
                    .typed::<Int64Type>()
                    .write_batch(values, optional.then_some(defs.as_slice()), None)
                    .map_err(&err)?;
                values.clear();
                defs.clear();
            }
            ColumnBuf::Bool(values) => {
                column
                    .typed::<BoolType>()
                    .write_batch(values, None, None)
                    .map_err(&err)?;
                values.clear();
            }
        }
        column.close().map_err(&err)?;
        i += 1;
    }
    group.close().map_err(&err)?;
    Ok(())
}
